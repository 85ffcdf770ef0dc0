using Engine.Http.Logging;

namespace Engine.Http.Proxy;

/// <summary>
/// Holds the current <see cref="ProxySnapshot"/> behind one volatile reference: a reload is one
/// atomic write, and a request that read the old snapshot finishes on it.
/// </summary>
public sealed class ProxyRuntime(ProxySnapshot initial, ProxyMetrics metrics)
{
    private volatile ProxySnapshot _current = initial;

    public ProxySnapshot Current => _current;

    /// <summary>Counters that outlive snapshots, so they stay monotonic across reloads.</summary>
    public ProxyMetrics Metrics { get; } = metrics;

    /// <summary>Where finished requests are logged; null when the access log is off. Replaced whole on reload.</summary>
    public AccessLogWriter? AccessLog
    {
        get => Volatile.Read(ref _accessLog);
        set => Volatile.Write(ref _accessLog, value);
    }

    private AccessLogWriter? _accessLog;

    /// <summary>Caps the per-request debug lines of every entrypoint together; outlives snapshots like the counters.</summary>
    public RequestLogLimiter RequestLogLimiter { get; init; } = new();

    /// <summary>Swaps in <paramref name="next"/> and returns the snapshot it replaced.</summary>
    public ProxySnapshot Swap(ProxySnapshot next) => Interlocked.Exchange(ref _current, next);
}
