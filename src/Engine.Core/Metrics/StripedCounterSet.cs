namespace Engine.Core.Metrics;

/// <summary>
/// A fixed number of counters that are updated together (one label set's responses by class and
/// bytes each way), striped as one row per processor. Compared with one
/// <see cref="StripedCounter"/> each, a row keeps the counters a request touches on the same
/// line and costs one stripe's padding instead of one per counter: a label set is 128 bytes per
/// stripe rather than 128 per counter per stripe.
/// </summary>
public sealed class StripedCounterSet
{
    private readonly long[] _cells;
    private readonly int _stride;

    public StripedCounterSet(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        _stride = Striping.Stride(count);
        _cells = new long[Striping.CellCount(_stride)];
    }

    /// <summary>How many counters the set holds.</summary>
    public int Count { get; }

    public void Increment(int index) => Add(index, 1);

    /// <summary>Adds to counter <paramref name="index"/> in the calling processor's row. Lock-free; allocates nothing.</summary>
    public void Add(int index, long value)
    {
        if ((uint)index >= (uint)Count)
        {
            ThrowIndexOutOfRange(index);
        }
        Interlocked.Add(ref _cells[Striping.RowStart(_stride) + index], value);
    }

    /// <summary>The sum of counter <paramref name="index"/> over stripes.</summary>
    public long Read(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            ThrowIndexOutOfRange(index);
        }
        long sum = 0;
        for (int row = Striping.FirstRow; row < _cells.Length; row += _stride)
        {
            sum += Volatile.Read(ref _cells[row + index]);
        }
        return sum;
    }

    [System.Diagnostics.StackTraceHidden]
    private void ThrowIndexOutOfRange(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, $"The set holds {Count} counters.");
}
