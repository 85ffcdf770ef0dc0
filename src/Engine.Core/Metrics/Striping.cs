using System.Numerics;

namespace Engine.Core.Metrics;

/// <summary>
/// How striped cells are laid out: one row of <c>long</c> cells per stripe, rows far enough apart
/// that no two stripes write the same cache line, and the stripe picked by the processor the
/// calling thread runs on. Shared by <see cref="StripedCounter"/>, <see cref="StripedCounterSet"/>
/// and <see cref="Histogram"/>.
/// </summary>
/// <remarks>
/// Thread A on CPU 0 and thread B on CPU 1 then add to different lines, so neither steals the
/// other's line (the cost of one shared <see cref="Interlocked"/> counter under load is that line
/// bouncing between cores, not the atomic instruction). Cells are still added with
/// <see cref="Interlocked"/>: a thread can migrate between reading its processor id and adding,
/// or share a stripe with another (more processors than stripes, or a container whose CPU ids
/// exceed its quota), and a plain add would then lose counts. Uncontended, that atomic costs a
/// few nanoseconds. Deliberately not done: per-thread cells (unbounded with thread-pool growth,
/// and a dead thread's counts need collecting).
/// </remarks>
internal static class Striping
{
    /// <summary>
    /// Longs between the last used cell of a row and the first of the next: 64 bytes, so two rows
    /// never share a 64-byte line whatever the array's alignment (.NET aligns arrays to 8 only).
    /// The same gap comes before the first row, away from the array's length field: every add
    /// reads that field for its bounds check, and a row on the header's line would make thread A's
    /// adds invalidate the line thread B reads on each of its own (measured: 2 threads recording
    /// into one RequestMetrics cost 4 times one thread before that gap).
    /// </summary>
    private const int GapCells = 8;

    /// <summary>Index of the first row's first cell.</summary>
    public const int FirstRow = GapCells;

    /// <summary>
    /// Stripes per counter: the processor count rounded up to a power of two (so the stripe is a
    /// mask, not a division), capped so that a label set on a 128-core host stays a few KiB.
    /// </summary>
    public static readonly int StripeCount = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 1, 64));

    /// <summary>Cells from one row's start to the next's for rows of <paramref name="width"/> cells (a multiple of 8: 64 bytes).</summary>
    public static int Stride(int width) => (width + GapCells + 7) & ~7;

    /// <summary>The array length for rows of <paramref name="stride"/>: the leading gap, then a row per stripe (each ending in its gap).</summary>
    public static int CellCount(int stride) => FirstRow + (StripeCount * stride);

    /// <summary>
    /// The first cell of the calling processor's row. <see cref="Thread.GetCurrentProcessorId"/>
    /// is a cached value the runtime refreshes now and then, a couple of nanoseconds; a stale id
    /// only costs a little sharing, never a count.
    /// </summary>
    public static int RowStart(int stride) => FirstRow + ((Thread.GetCurrentProcessorId() & (StripeCount - 1)) * stride);
}
