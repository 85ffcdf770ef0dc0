using System.Buffers;

namespace Engine.TestSupport;

/// <summary>
/// Builds a <see cref="ReadOnlySequence{T}"/> over given bytes split into chosen segments, so a
/// parser meets every boundary a socket could produce (Kestrel's BytePerSegmentTestSequenceFactory).
/// Each segment is its own array, so reading past a segment's end is caught by the runtime.
/// </summary>
public static class SegmentedSequence
{
    /// <summary>One segment per byte.</summary>
    public static ReadOnlySequence<byte> BytePerSegment(ReadOnlySpan<byte> data)
    {
        var sizes = new int[data.Length];
        Array.Fill(sizes, 1);
        return Create(data, sizes);
    }

    /// <summary>About <paramref name="count"/> segments of equal size.</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> data, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int size = Math.Max(1, (data.Length + count - 1) / count);
        var sizes = new List<int>();
        for (int taken = 0; taken < data.Length; taken += size)
        {
            sizes.Add(Math.Min(size, data.Length - taken));
        }
        return Create(data, sizes);
    }

    /// <summary>Segments of random sizes between 1 and <paramref name="maxSegment"/>.</summary>
    public static ReadOnlySequence<byte> Random(ReadOnlySpan<byte> data, Random random, int maxSegment)
    {
        ArgumentNullException.ThrowIfNull(random);
        var sizes = new List<int>();
        for (int taken = 0; taken < data.Length;)
        {
            int size = Math.Min(random.Next(1, maxSegment + 1), data.Length - taken);
            sizes.Add(size);
            taken += size;
        }
        return Create(data, sizes);
    }

    /// <summary>Segments of exactly the given sizes (which must add up to the data length).</summary>
    public static ReadOnlySequence<byte> Create(ReadOnlySpan<byte> data, IReadOnlyList<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (data.IsEmpty)
        {
            return ReadOnlySequence<byte>.Empty;
        }
        Segment? first = null;
        Segment? last = null;
        int offset = 0;
        foreach (int size in sizes)
        {
            if (size == 0)
            {
                continue;
            }
            var segment = new Segment(data.Slice(offset, size).ToArray(), offset);
            offset += size;
            if (first is null)
            {
                first = segment;
            }
            else
            {
                last!.SetNext(segment);
            }
            last = segment;
        }
        if (offset != data.Length || first is null || last is null)
        {
            throw new ArgumentException("The segment sizes must add up to the data length.", nameof(sizes));
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
