namespace Engine.Core.Metrics;

/// <summary>
/// A Prometheus histogram with fixed upper bounds: per-bucket counts and a sum, striped per
/// processor like <see cref="StripedCounter"/>. <see cref="Observe"/> is lock-free and allocates
/// nothing (a bucket search over the bounds, one atomic increment, one compare-exchange on the
/// stripe's own sum). Buckets are stored non-cumulative and made cumulative on read.
/// </summary>
/// <remarks>
/// The count is not a separate cell: it is read as the sum of every bucket, so a scrape always
/// has <c>_count</c> equal to the <c>+Inf</c> bucket even while observations race with it (the
/// sum, read apart from the buckets, may be one observation ahead or behind; Prometheus accepts that).
/// </remarks>
public sealed class Histogram
{
    private readonly double[] _bounds;
    // Each stripe's row: bucket 0 .. n-1 for the bounds, bucket n for +Inf, then the sum's bits.
    private readonly long[] _cells;
    private readonly int _stride;
    private readonly int _sumIndex;

    /// <param name="upperBounds">Strictly increasing finite upper bounds (inclusive, as Prometheus's
    /// <c>le</c>); the <c>+Inf</c> bucket is implicit.</param>
    public Histogram(ReadOnlySpan<double> upperBounds)
    {
        for (int i = 0; i < upperBounds.Length; i++)
        {
            if (!double.IsFinite(upperBounds[i]) || (i > 0 && !(upperBounds[i] > upperBounds[i - 1])))
            {
                throw new ArgumentException($"Bucket bounds must be finite and strictly increasing; bound {i} is {upperBounds[i]}.", nameof(upperBounds));
            }
        }
        _bounds = upperBounds.ToArray();
        _sumIndex = _bounds.Length + 1;
        _stride = Striping.Stride(_sumIndex + 1);
        _cells = new long[Striping.CellCount(_stride)];
    }

    /// <summary>A histogram over <see cref="DefaultLatencyBounds"/>.</summary>
    public Histogram()
        : this(DefaultLatencyBounds)
    {
    }

    /// <summary>
    /// Request latency in seconds, 0.5 ms to 10 s: a proxy's own overhead lives in the first
    /// buckets and an origin's slow tail in the last (Prometheus's client default starts at 5 ms,
    /// too coarse for a proxy on a LAN).
    /// </summary>
    public static ReadOnlySpan<double> DefaultLatencyBounds => [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>The finite upper bounds; the buckets are one more (<c>+Inf</c>).</summary>
    public ReadOnlySpan<double> UpperBounds => _bounds;

    /// <summary>
    /// Records one value. NaN counts in the <c>+Inf</c> bucket (it is not &lt;= any bound) and
    /// makes the sum NaN, as in the Prometheus Go client.
    /// </summary>
    public void Observe(double value)
    {
        // Linear search: a dozen bounds, and most observations stop in the first few buckets.
        double[] bounds = _bounds;
        int bucket = 0;
        while ((uint)bucket < (uint)bounds.Length && !(value <= bounds[bucket]))
        {
            bucket++;
        }

        int row = Striping.RowStart(_stride);
        Interlocked.Increment(ref _cells[row + bucket]);
        AddToSum(ref _cells[row + _sumIndex], value);
    }

    /// <summary>Observations so far: the <c>+Inf</c> bucket.</summary>
    public long Count
    {
        get
        {
            long count = 0;
            for (int row = Striping.FirstRow; row < _cells.Length; row += _stride)
            {
                for (int bucket = 0; bucket < _sumIndex; bucket++)
                {
                    count += Volatile.Read(ref _cells[row + bucket]);
                }
            }
            return count;
        }
    }

    /// <summary>The sum of observed values.</summary>
    public double Sum
    {
        get
        {
            double sum = 0;
            for (int row = Striping.FirstRow; row < _cells.Length; row += _stride)
            {
                sum += BitConverter.Int64BitsToDouble(Volatile.Read(ref _cells[row + _sumIndex]));
            }
            return sum;
        }
    }

    /// <summary>
    /// Writes the cumulative count of each bucket (observations &lt;= its bound), the last one
    /// being <c>+Inf</c>, so <paramref name="destination"/> needs <c>UpperBounds.Length + 1</c> cells.
    /// </summary>
    public void CopyCumulativeCounts(Span<long> destination)
    {
        if (destination.Length < _sumIndex)
        {
            throw new ArgumentException($"Needs {_sumIndex} cells, one per bound plus +Inf.", nameof(destination));
        }

        destination[.._sumIndex].Clear();
        for (int row = Striping.FirstRow; row < _cells.Length; row += _stride)
        {
            for (int bucket = 0; bucket < _sumIndex; bucket++)
            {
                destination[bucket] += Volatile.Read(ref _cells[row + bucket]);
            }
        }
        for (int bucket = 1; bucket < _sumIndex; bucket++)
        {
            destination[bucket] += destination[bucket - 1];
        }
    }

    /// <summary>
    /// Adds to a double kept as its bits in a long cell. Compare-exchange on the bits, not the
    /// double: a NaN sum never compares equal to itself and would loop forever. The cell is this
    /// stripe's, so the exchange almost always succeeds first time.
    /// </summary>
    private static void AddToSum(ref long cell, double value)
    {
        long current = Volatile.Read(ref cell);
        while (true)
        {
            long next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(current) + value);
            long seen = Interlocked.CompareExchange(ref cell, next, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
