using System.Diagnostics;

namespace Engine.Http.Proxy;

/// <summary>
/// Request counters for one label set (an entrypoint, a router or a service): responses by
/// status class, duration, and bytes each way. One instance per label set lives for the life of
/// the process, so counters stay monotonic across config reloads.
/// </summary>
public sealed class RequestMetrics
{
    private readonly long[] _statusClasses = new long[6];
    private long _durationTicks;
    private long _bytesIn;
    private long _bytesOut;

    internal RequestMetrics(string[] labelValues) => LabelValues = labelValues;

    /// <summary>Label values in the order the owning family names them.</summary>
    public IReadOnlyList<string> LabelValues { get; }

    /// <summary>Responses of class <paramref name="statusClass"/> (1 to 5).</summary>
    public long Responses(int statusClass) => Volatile.Read(ref _statusClasses[statusClass]);

    public TimeSpan TotalDuration => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _durationTicks));

    public long BytesIn => Volatile.Read(ref _bytesIn);

    public long BytesOut => Volatile.Read(ref _bytesOut);

    /// <summary>Records one finished request. Lock-free; allocates nothing.</summary>
    public void Record(int status, long elapsedTimestampTicks, long bytesIn, long bytesOut)
    {
        int statusClass = status / 100;
        if ((uint)statusClass < (uint)_statusClasses.Length)
        {
            Interlocked.Increment(ref _statusClasses[statusClass]);
        }

        Interlocked.Add(ref _durationTicks, elapsedTimestampTicks);
        Interlocked.Add(ref _bytesIn, bytesIn);
        Interlocked.Add(ref _bytesOut, bytesOut);
    }
}
