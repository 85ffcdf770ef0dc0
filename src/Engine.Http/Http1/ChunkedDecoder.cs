using System.Buffers;
using System.Runtime.CompilerServices;

namespace Engine.Http.Http1;

/// <summary>
/// Incremental decoder of the chunked transfer coding (RFC 9112 §7.1), kept per message:
/// <code>
///   chunked-body    = *chunk last-chunk trailer-section CRLF
///   chunk           = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
///   chunk-size      = 1*HEXDIG
///   last-chunk      = 1*("0") [ chunk-ext ] CRLF
///   trailer-section = *( field-line CRLF )
/// </code>
/// Each <see cref="Read"/> returns the next run of chunk data without copying it. Framing that is
/// not complete yet (half a size line, half a CRLF, an unfinished trailer section) stays in the
/// reader so the caller presents it again with more bytes; what was fully understood is consumed
/// and remembered here. Lines are bounded, so a peer cannot make the caller buffer without limit.
/// </summary>
public struct ChunkedDecoder
{
    /// <summary>
    /// Longest chunk-size accepted, leading zeros included. 16 significant hex digits already
    /// exceed the 2^63 limit; the rest is room for zero padding while keeping the line bounded.
    /// </summary>
    public const int MaxChunkSizeDigits = 64;

    private const int StackScratch = 2048;

    private State _state;
    private long _remaining;
    private long _consumed;
    private int _trailerValidated;

    private enum State : byte
    {
        SizeLine,
        Data,
        DataEnd,
        Trailer,
        Done,
    }

    /// <summary>Bytes of the chunked body consumed so far (framing and data).</summary>
    public readonly long Consumed => _consumed;

    public void Reset() => this = default;

    public ChunkedStatus Read(ref SequenceReader<byte> reader, HttpParserLimits limits, out ReadOnlySequence<byte> data)
    {
        ArgumentNullException.ThrowIfNull(limits);
        data = default;
        while (true)
        {
            switch (_state)
            {
                case State.SizeLine:
                    if (!TryReadSizeLine(ref reader, limits))
                    {
                        return ChunkedStatus.NeedMoreData;
                    }
                    break;

                case State.Data:
                    long available = reader.Remaining;
                    if (available == 0)
                    {
                        return ChunkedStatus.NeedMoreData;
                    }
                    long take = Math.Min(available, _remaining);
                    data = reader.Sequence.Slice(reader.Position, take);
                    reader.Advance(take);
                    _consumed += take;
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _state = State.DataEnd;
                    }
                    return ChunkedStatus.Data;

                case State.DataEnd:
                    if (!TryReadDataEnd(ref reader))
                    {
                        return ChunkedStatus.NeedMoreData;
                    }
                    break;

                case State.Trailer:
                    if (!TryReadTrailer(ref reader, limits, out data))
                    {
                        return ChunkedStatus.NeedMoreData;
                    }
                    _state = State.Done;
                    return ChunkedStatus.Completed;

                default:
                    // Done: the body ended; nothing more belongs to it.
                    return ChunkedStatus.Completed;
            }
        }
    }

    // chunk-data CRLF: anything but CRLF after the data means the size lied or the stream is
    // desynchronised; both are fatal.
    private bool TryReadDataEnd(ref SequenceReader<byte> reader)
    {
        if (!reader.TryPeek(out byte cr))
        {
            return false;
        }
        if (cr != '\r')
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidChunkTerminator, Offset(0));
        }
        if (!reader.TryPeek(1, out byte lf))
        {
            return false;
        }
        if (lf != '\n')
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidChunkTerminator, Offset(1));
        }
        reader.Advance(2);
        _consumed += 2;
        _state = State.SizeLine;
        return true;
    }

    private bool TryReadSizeLine(ref SequenceReader<byte> reader, HttpParserLimits limits)
    {
        int maxExtension = limits.MaxChunkExtensionSize;
        int bound = (int)Math.Min(int.MaxValue, (long)MaxChunkSizeDigits + maxExtension + 2);
        ReadOnlySpan<byte> span = reader.UnreadSpan;
        int lineLength = ParseSizeLine(span, bound, maxExtension, out long size);
        if (lineLength < 0 && span.Length < bound && reader.Remaining > span.Length)
        {
            lineLength = ParseSizeLineAcrossSegments(ref reader, bound, maxExtension, out size);
        }
        if (lineLength < 0)
        {
            return false;
        }
        reader.Advance(lineLength);
        _consumed += lineLength;
        _remaining = size;
        _trailerValidated = 0;
        _state = size == 0 ? State.Trailer : State.Data;
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ParseSizeLineAcrossSegments(ref SequenceReader<byte> reader, int bound, int maxExtension, out long size)
    {
        int length = (int)Math.Min(bound, reader.Remaining);
        byte[]? rented = null;
        Span<byte> scratch = length <= StackScratch
            ? stackalloc byte[StackScratch]
            : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            scratch = scratch.Slice(0, length);
            reader.TryCopyTo(scratch);
            return ParseSizeLine(scratch, bound, maxExtension, out size);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Parses the size line at the start of <paramref name="span"/>. Returns its length with the
    /// CRLF, or -1 when it is not complete yet. Throws once it is invalid or cannot fit.
    /// </summary>
    private readonly int ParseSizeLine(ReadOnlySpan<byte> span, int bound, int maxExtension, out long size)
    {
        size = 0;
        ReadOnlySpan<byte> window = span.Length > bound ? span.Slice(0, bound) : span;
        int lineEnd = FieldLine.FindLineEnd(window, 0, out RequestRejectionReason error, out int errorIndex);
        if (lineEnd < 0)
        {
            if (error != RequestRejectionReason.None)
            {
                HttpParseException.Throw(error, Offset(errorIndex));
            }
            if (window.Length >= bound)
            {
                ThrowSizeLineTooLong(window);
            }
            return -1;
        }

        ReadOnlySpan<byte> line = window.Slice(0, lineEnd);
        int digits = line.IndexOfAnyExcept(HttpCharacters.HexDigit);
        if (digits < 0)
        {
            digits = line.Length;
        }
        if (digits == 0 || digits > MaxChunkSizeDigits)
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidChunkSize, Offset(digits));
        }
        long value = 0;
        for (int i = 0; i < digits; i++)
        {
            if (value > (long.MaxValue >> 4))
            {
                // The size would reach 2^63: no body is that long and the arithmetic would wrap.
                HttpParseException.Throw(RequestRejectionReason.InvalidChunkSize, Offset(i));
            }
            value = (value << 4) | (uint)HttpCharacters.HexValue(line[i]);
        }

        ReadOnlySpan<byte> extension = line.Slice(digits);
        if (!extension.IsEmpty)
        {
            if (extension[0] is not ((byte)';' or (byte)' ' or (byte)'\t'))
            {
                HttpParseException.Throw(RequestRejectionReason.InvalidChunkSize, Offset(digits));
            }
            if (extension.Length > maxExtension || !ChunkExtension.IsValid(extension, out _))
            {
                HttpParseException.Throw(RequestRejectionReason.InvalidChunkExtension, Offset(digits));
            }
        }
        size = value;
        return lineEnd + 2;
    }

    /// <summary>No line end within the bound: blame the size when it is the size that is too long or malformed.</summary>
    private readonly void ThrowSizeLineTooLong(ReadOnlySpan<byte> window)
    {
        int digits = window.IndexOfAnyExcept(HttpCharacters.HexDigit);
        if (digits < 0 || digits == 0 || digits > MaxChunkSizeDigits
            || window[digits] is not ((byte)';' or (byte)' ' or (byte)'\t'))
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidChunkSize, Offset(Math.Max(digits, 0)));
        }
        HttpParseException.Throw(RequestRejectionReason.InvalidChunkExtension, Offset(digits));
    }

    private bool TryReadTrailer(ref SequenceReader<byte> reader, HttpParserLimits limits, out ReadOnlySequence<byte> data)
    {
        data = default;
        int max = limits.MaxTrailerSize;
        ReadOnlySpan<byte> span = reader.UnreadSpan;
        int sectionLength = ScanTrailer(span, max);
        if (sectionLength < 0 && span.Length < max && reader.Remaining > span.Length)
        {
            sectionLength = ScanTrailerAcrossSegments(ref reader, max);
        }
        if (sectionLength < 0)
        {
            return false;
        }
        data = reader.Sequence.Slice(reader.Position, _trailerValidated);
        reader.Advance(sectionLength);
        _consumed += sectionLength;
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ScanTrailerAcrossSegments(ref SequenceReader<byte> reader, int max)
    {
        int length = (int)Math.Min(max, reader.Remaining);
        byte[]? rented = null;
        Span<byte> scratch = length <= StackScratch
            ? stackalloc byte[StackScratch]
            : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            scratch = scratch.Slice(0, length);
            reader.TryCopyTo(scratch);
            return ScanTrailer(scratch, max);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Validates trailer field lines from where the last call stopped. Returns the length of the
    /// whole section with its final CRLF, or -1 when it is not complete yet.
    /// </summary>
    private int ScanTrailer(ReadOnlySpan<byte> span, int max)
    {
        ReadOnlySpan<byte> window = span.Length > max ? span.Slice(0, max) : span;
        int pos = _trailerValidated;
        if (pos > window.Length)
        {
            // An earlier call saw more contiguous bytes than this segment holds.
            return -1;
        }
        while (true)
        {
            int lineEnd = FieldLine.FindLineEnd(window, pos, out RequestRejectionReason error, out int errorIndex);
            if (lineEnd < 0)
            {
                if (error != RequestRejectionReason.None)
                {
                    HttpParseException.Throw(error, Offset(errorIndex));
                }
                if (window.Length >= max)
                {
                    HttpParseException.Throw(RequestRejectionReason.TrailersTooLarge, Offset(max));
                }
                return -1;
            }
            if (lineEnd == pos)
            {
                return pos + 2;
            }
            RequestRejectionReason lineError = FieldLine.Parse(window.Slice(pos, lineEnd - pos), out _, out _, out _, out int lineErrorIndex);
            if (lineError != RequestRejectionReason.None)
            {
                HttpParseException.Throw(RequestRejectionReason.InvalidTrailer, Offset(pos + lineErrorIndex));
            }
            pos = lineEnd + 2;
            _trailerValidated = pos;
        }
    }

    private readonly int Offset(long local) => (int)Math.Min(int.MaxValue, _consumed + local);
}
