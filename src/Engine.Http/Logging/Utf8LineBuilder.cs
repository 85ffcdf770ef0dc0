using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace Engine.Http.Logging;

/// <summary>
/// Appends the pieces of one log line into a fixed span. Running out of room sets
/// <see cref="Overflowed"/> and turns every later append into a no-op, so a formatter writes
/// straight through and checks once at the end instead of after each of its ~40 pieces; the
/// caller then retries with a bigger buffer (rare: a long target or host).
/// </summary>
internal ref struct Utf8LineBuilder
{
    private readonly Span<byte> _buffer;
    private int _length;

    public Utf8LineBuilder(Span<byte> buffer)
    {
        _buffer = buffer;
        _length = 0;
        Overflowed = false;
    }

    public readonly int Length => _length;

    public bool Overflowed { readonly get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(scoped ReadOnlySpan<byte> value)
    {
        if (value.TryCopyTo(_buffer.Slice(_length)))
        {
            _length += value.Length;
        }
        else
        {
            SetOverflowed();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(byte value)
    {
        if ((uint)_length < (uint)_buffer.Length)
        {
            _buffer[_length++] = value;
        }
        else
        {
            SetOverflowed();
        }
    }

    public void AppendDecimal(long value)
    {
        if (Utf8Formatter.TryFormat(value, _buffer.Slice(_length), out int written))
        {
            _length += written;
        }
        else
        {
            SetOverflowed();
        }
    }

    /// <summary>
    /// Narrows an all-ASCII string straight into the line (vectorized) and returns the bytes
    /// written, for the caller to check; false, with nothing written, when the string is not
    /// all ASCII or does not fit.
    /// </summary>
    public bool TryAppendAscii(ReadOnlySpan<char> value, out Span<byte> written)
    {
        Span<byte> free = _buffer.Slice(_length);
        if (value.Length <= free.Length && System.Text.Ascii.FromUtf16(value, free, out int count) == System.Buffers.OperationStatus.Done)
        {
            written = free.Slice(0, count);
            _length += count;
            return true;
        }
        written = default;
        return false;
    }

    /// <summary>Takes back the last <paramref name="count"/> bytes.</summary>
    public void Unwrite(int count) => _length -= count;

    /// <summary>00-99, as dates and times want them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AppendTwoDigits(int value)
    {
        if (_length + 2 <= _buffer.Length)
        {
            _buffer[_length] = (byte)('0' + (value / 10));
            _buffer[_length + 1] = (byte)('0' + (value % 10));
            _length += 2;
        }
        else
        {
            SetOverflowed();
        }
    }

    public void AppendThreeDigits(int value)
    {
        Append((byte)('0' + (value / 100)));
        AppendTwoDigits(value % 100);
    }

    public void AppendFourDigits(int value)
    {
        AppendTwoDigits(value / 100);
        AppendTwoDigits(value % 100);
    }

    /// <summary>Two lower-case hex digits, for \u00XX and \xHH escapes.</summary>
    public void AppendHexByte(byte value)
    {
        Append((byte)"0123456789abcdef"[value >> 4]);
        Append((byte)"0123456789abcdef"[value & 0xF]);
    }

    private void SetOverflowed()
    {
        // Park at the end so no later, smaller piece squeezes in after a missing one.
        _length = _buffer.Length;
        Overflowed = true;
    }
}
