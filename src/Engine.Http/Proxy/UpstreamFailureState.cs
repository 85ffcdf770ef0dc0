using Engine.Core.Metrics;
using System.Globalization;
using System.Text;
using Engine.Core.Timing;

namespace Engine.Http.Proxy;

/// <summary>
/// Whether one destination is failing, and its failures not yet told in the log, so that a dead
/// upstream costs a few log lines rather than one a request (issue 10: a refused upstream once
/// wrote 40,134 warnings in 7 s). The first failure after the destination worked is told at
/// once; further failures are counted and summarised at most once per <see cref="SummaryInterval"/>;
/// the first success after failures is told once. /metrics keeps every failure
/// (engine_upstream_errors_total); only the log is condensed. One per destination, in its pool.
/// </summary>
/// <remarks>
/// <para>
/// Lock-free. A working destination's success costs one volatile read (<see cref="IsFailing"/>).
/// The state flips with a compare-exchange, so exactly one request writes the "failing" line and
/// exactly one the "recovered" line. No timer: the request that finds the next summary due moves
/// <c>_nextSummary</c> on with a compare-exchange and writes the summary, so with no further
/// requests a pending summary appears only with the recovery line, or not at all.
/// </para>
/// <para>
/// Counts are exact in total but may land in the neighbouring line at a state change: thread A
/// sees the destination failing, thread B recovers it and takes the counts, then A adds its
/// failure, which the next episode's first summary reports. Exactness would need a lock.
/// </para>
/// <para>
/// A destination that fails every other request must not write a failing and a recovered line
/// per request: it counts as recovered only on a success <see cref="RecoveryQuiet"/> after its
/// last failure, so a flapping one stays failing and is summarised.
/// </para>
/// </remarks>
internal sealed class UpstreamFailureState
{
    public static readonly TimeSpan DefaultSummaryInterval = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultRecoveryQuiet = TimeSpan.FromSeconds(1);

    // Until a failing line sets it, no summary is due (also covers the moment between the flip
    // to failing and the winner writing the first deadline).
    private const long NoSummaryDue = long.MaxValue;

    private static readonly int s_kindCount = Enum.GetValues<UpstreamErrorKind>().Length;

    private readonly Heartbeat _clock;
    private readonly long _summaryInterval;
    private readonly long _recoveryQuiet;
    private readonly long[] _unreportedByKind = new long[s_kindCount];
    private volatile bool _failing;
    private int _state; // 0 working, 1 failing: the compare-exchange behind _failing
    private long _failingSince;
    private long _lastFailure;
    private long _nextSummary = NoSummaryDue;
    private long _episodeFailures;

    public UpstreamFailureState(Heartbeat clock, TimeSpan? summaryInterval = null, TimeSpan? recoveryQuiet = null)
    {
        _clock = clock;
        SummaryInterval = summaryInterval ?? DefaultSummaryInterval;
        RecoveryQuiet = recoveryQuiet ?? DefaultRecoveryQuiet;
        _summaryInterval = (long)(SummaryInterval.TotalSeconds * clock.Frequency);
        _recoveryQuiet = (long)(RecoveryQuiet.TotalSeconds * clock.Frequency);
    }

    public TimeSpan SummaryInterval { get; }

    public TimeSpan RecoveryQuiet { get; }

    /// <summary>The success path's only check: false while the destination works.</summary>
    public bool IsFailing => _failing;

    /// <summary>Counts one failure and says which line, if any, this request writes.</summary>
    /// <param name="summary">The failures since the last line, when the answer is <see cref="FailureLine.Summary"/>.</param>
    public FailureLine OnFailure(UpstreamErrorKind kind, out UpstreamFailureSummary summary)
    {
        summary = default;
        long now = _clock.Now;
        Volatile.Write(ref _lastFailure, now);
        Interlocked.Increment(ref _episodeFailures);
        if (Volatile.Read(ref _state) == 0 && Interlocked.CompareExchange(ref _state, 1, 0) == 0)
        {
            // The request that found it working: its failure is the failing line itself, not
            // one "more" for the summary.
            Volatile.Write(ref _failingSince, now);
            Volatile.Write(ref _nextSummary, now + _summaryInterval);
            _failing = true;
            return FailureLine.Failing;
        }

        Interlocked.Increment(ref _unreportedByKind[(int)kind]);
        long due = Volatile.Read(ref _nextSummary);
        if (now >= due && Interlocked.CompareExchange(ref _nextSummary, now + _summaryInterval, due) == due)
        {
            summary = TakeUnreported(now - (due - _summaryInterval));
            return summary.Count > 0 ? FailureLine.Summary : FailureLine.None;
        }
        return FailureLine.None;
    }

    /// <summary>
    /// Called on a success while <see cref="IsFailing"/>: true for the one request that finds the
    /// destination recovered, with what the episode came to and the failures not yet summarised.
    /// </summary>
    public bool TryRecover(out UpstreamFailureSummary pending, out long failures, out TimeSpan failingFor)
    {
        pending = default;
        failures = 0;
        failingFor = default;
        long now = _clock.Now;
        if (now - Volatile.Read(ref _lastFailure) < _recoveryQuiet || Interlocked.CompareExchange(ref _state, 0, 1) != 1)
        {
            return false;
        }

        _failing = false;
        long due = Interlocked.Exchange(ref _nextSummary, NoSummaryDue);
        pending = TakeUnreported(due == NoSummaryDue ? 0 : now - (due - _summaryInterval));
        failures = Interlocked.Exchange(ref _episodeFailures, 0);
        failingFor = TimeSpan.FromSeconds((double)(now - Volatile.Read(ref _failingSince)) / _clock.Frequency);
        return true;
    }

    private UpstreamFailureSummary TakeUnreported(long elapsed)
    {
        long total = 0;
        StringBuilder? byKind = null;
        for (int i = 0; i < _unreportedByKind.Length; i++)
        {
            long count = Interlocked.Exchange(ref _unreportedByKind[i], 0);
            if (count == 0)
            {
                continue;
            }
            total += count;
            byKind = byKind is null ? new StringBuilder() : byKind.Append(", ");
            byKind.Append(Label((UpstreamErrorKind)i)).Append(' ').Append(count.ToString(CultureInfo.InvariantCulture));
        }
        return new UpstreamFailureSummary(total, TimeSpan.FromSeconds((double)elapsed / _clock.Frequency), byKind?.ToString() ?? "");
    }

    private static readonly string[] s_labels =
        [.. Enum.GetValues<UpstreamErrorKind>().Select(kind => LabelValues.FromPascalCase(kind.ToString()))];

    /// <summary>The kind as engine_upstream_errors_total labels it, so a line leads to its series.</summary>
    public static string Label(UpstreamErrorKind kind) => s_labels[(int)kind];
}

/// <summary>Which line a failure writes.</summary>
internal enum FailureLine : byte
{
    None,
    /// <summary>The destination was working: "upstream X is failing".</summary>
    Failing,
    /// <summary>A summary interval passed: "upstream X: N more failures".</summary>
    Summary,
}

/// <summary>Failures not yet told: how many, over how long, and "kind count, ..." for the line.</summary>
internal readonly record struct UpstreamFailureSummary(long Count, TimeSpan Over, string ByKind);
