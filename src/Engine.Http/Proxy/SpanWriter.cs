using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Engine.Http.Proxy;

/// <summary>
/// Writes small pieces into a <see cref="PipeWriter"/> through one cached span, committing once
/// at the end: the head writers call it dozens of times per message, so each call must be a
/// bounds check and a copy, not a pipe call.
/// </summary>
internal ref struct SpanWriter
{
    private readonly PipeWriter _writer;
    private Span<byte> _span;
    private int _buffered;

    public SpanWriter(PipeWriter writer)
    {
        _writer = writer;
        _span = writer.GetSpan();
        _buffered = 0;
    }

    /// <summary>Bytes written so far, committed or not.</summary>
    public long BytesWritten { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(scoped ReadOnlySpan<byte> source)
    {
        if (source.Length <= _span.Length - _buffered)
        {
            source.CopyTo(_span.Slice(_buffered));
            _buffered += source.Length;
            BytesWritten += source.Length;
            return;
        }
        WriteMultiBuffer(source);
    }

    public void Write(in ReadOnlySequence<byte> source)
    {
        foreach (ReadOnlyMemory<byte> segment in source)
        {
            Write(segment.Span);
        }
    }

    public void WriteByte(byte value)
    {
        if (_buffered == _span.Length)
        {
            Grow(1);
        }
        _span[_buffered++] = value;
        BytesWritten++;
    }

    public void WriteDecimal(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int length);
        Write(digits.Slice(0, length));
    }

    /// <summary>Lower-case hex without leading zeros, as a chunk-size line wants.</summary>
    public void WriteHex(long value)
    {
        Span<byte> digits = stackalloc byte[16];
        Utf8Formatter.TryFormat((ulong)value, digits, out int length, new StandardFormat('x'));
        Write(digits.Slice(0, length));
    }

    public void Commit()
    {
        if (_buffered > 0)
        {
            _writer.Advance(_buffered);
            _buffered = 0;
            _span = default;
        }
    }

    private void WriteMultiBuffer(scoped ReadOnlySpan<byte> source)
    {
        while (source.Length > 0)
        {
            if (_buffered == _span.Length)
            {
                Grow(source.Length);
            }
            int take = Math.Min(source.Length, _span.Length - _buffered);
            source.Slice(0, take).CopyTo(_span.Slice(_buffered));
            _buffered += take;
            BytesWritten += take;
            source = source.Slice(take);
        }
    }

    private void Grow(int sizeHint)
    {
        _writer.Advance(_buffered);
        _buffered = 0;
        _span = _writer.GetSpan(Math.Min(sizeHint, 4096));
    }
}
