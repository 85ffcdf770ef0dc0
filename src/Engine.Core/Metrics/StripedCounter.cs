namespace Engine.Core.Metrics;

/// <summary>
/// A 64-bit counter striped over cache-line-separated cells, one per processor (see
/// <see cref="Striping"/>): concurrent increments from different cores do not contend. Adding is
/// lock-free and allocates nothing; <see cref="Read"/> sums the cells, so it is for scrapes, not
/// for the data path. A negative <see cref="Add"/> makes it a gauge (open connections): the sum
/// is right even when the decrement lands on another stripe than the increment.
/// </summary>
public sealed class StripedCounter
{
    private readonly long[] _cells;
    private readonly int _stride;

    public StripedCounter()
    {
        _stride = Striping.Stride(1);
        _cells = new long[Striping.CellCount(_stride)];
    }

    public void Increment() => Interlocked.Increment(ref _cells[Striping.RowStart(_stride)]);

    public void Decrement() => Interlocked.Decrement(ref _cells[Striping.RowStart(_stride)]);

    public void Add(long value) => Interlocked.Add(ref _cells[Striping.RowStart(_stride)], value);

    /// <summary>
    /// The sum over stripes. Adds that race with the read may or may not be included, as with any
    /// counter read while it moves; each cell is read atomically.
    /// </summary>
    public long Read()
    {
        long sum = 0;
        for (int i = Striping.FirstRow; i < _cells.Length; i += _stride)
        {
            sum += Volatile.Read(ref _cells[i]);
        }
        return sum;
    }
}
