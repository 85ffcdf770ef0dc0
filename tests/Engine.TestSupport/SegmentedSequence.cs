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

    /// <summary>
    /// Segments of exactly the given sizes (which must add up to the data length), each copied
    /// into its own array so an out-of-segment read fails loudly.
    /// </summary>
    public static ReadOnlySequence<byte> Create(ReadOnlySpan<byte> data, IReadOnlyList<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        return Build(data.ToArray(), sizes, copy: true);
    }

    /// <summary>
    /// Segments of random sizes that share <paramref name="data"/>'s array instead of copying it:
    /// cheaper, for fuzzing loops that build many sequences.
    /// </summary>
    public static ReadOnlySequence<byte> RandomSlices(byte[] data, Random random, int maxSegment)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(random);
        var sizes = new List<int>();
        for (int taken = 0; taken < data.Length;)
        {
            int size = Math.Min(random.Next(1, maxSegment + 1), data.Length - taken);
            sizes.Add(size);
            taken += size;
        }
        return Build(data, sizes, copy: false);
    }

    private static ReadOnlySequence<byte> Build(byte[] data, IReadOnlyList<int> sizes, bool copy)
    {
        if (data.Length == 0)
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
            ReadOnlyMemory<byte> memory = copy ? data.AsSpan(offset, size).ToArray() : data.AsMemory(offset, size);
            var segment = new Segment(memory, offset);
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
        public Segment(ReadOnlyMemory<byte> bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
