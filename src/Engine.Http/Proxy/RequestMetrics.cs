using System.Diagnostics;
using Engine.Core.Metrics;

namespace Engine.Http.Proxy;

/// <summary>
/// Request counters for one label set (an entrypoint, a router or a service): responses by
/// status class, a duration histogram, and bytes each way. One instance per label set lives for
/// the life of the process, so counters stay monotonic across config reloads.
/// </summary>
/// <remarks>
/// Every request of a label set lands here, from every core, so the counters are striped per
/// processor (<see cref="StripedCounterSet"/>, <see cref="Histogram"/>) rather than shared
/// <see cref="Interlocked"/> cells whose cache line would bounce between cores;
/// perf/Engine.Perf/Metrics has the measurement.
/// </remarks>
public sealed class RequestMetrics
{
    // Striped counter indexes: status classes 0 (below 100, e.g. no response) to 5, then bytes.
    private const int StatusClasses = 6;
    private const int BytesInIndex = StatusClasses;
    private const int BytesOutIndex = StatusClasses + 1;

    private static readonly double s_secondsPerTimestampTick = 1.0 / Stopwatch.Frequency;

    private readonly StripedCounterSet _counters = new(StatusClasses + 2);

    internal RequestMetrics(string[] labelValues) => LabelValues = labelValues;

    /// <summary>Label values in the order the owning family names them.</summary>
    public IReadOnlyList<string> LabelValues { get; }

    /// <summary>Request durations in seconds, over <see cref="Histogram.DefaultLatencyBounds"/>.</summary>
    public Histogram Duration { get; } = new();

    /// <summary>Responses of class <paramref name="statusClass"/> (1 to 5; 0 counts statuses below 100).</summary>
    public long Responses(int statusClass)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)statusClass, (uint)StatusClasses, nameof(statusClass));
        return _counters.Read(statusClass);
    }

    public TimeSpan TotalDuration => TimeSpan.FromSeconds(Duration.Sum);

    public long BytesIn => _counters.Read(BytesInIndex);

    public long BytesOut => _counters.Read(BytesOutIndex);

    /// <summary>Records one finished request. Lock-free; allocates nothing.</summary>
    /// <param name="elapsedTimestampTicks">The duration in <see cref="Stopwatch.GetTimestamp"/> ticks.</param>
    public void Record(int status, long elapsedTimestampTicks, long bytesIn, long bytesOut)
    {
        int statusClass = status / 100;
        if ((uint)statusClass < StatusClasses)
        {
            _counters.Increment(statusClass);
        }

        Duration.Observe(elapsedTimestampTicks * s_secondsPerTimestampTick);
        // Many requests have no body: skip the atomic rather than add zero.
        if (bytesIn != 0)
        {
            _counters.Add(BytesInIndex, bytesIn);
        }
        if (bytesOut != 0)
        {
            _counters.Add(BytesOutIndex, bytesOut);
        }
    }
}
