namespace Engine.Host.Metrics;

/// <summary>
/// Outcomes of configuration loads, for <c>engine_config_reloads_total</c> and
/// <c>engine_config_last_reload_success_timestamp_seconds</c>. The gateway calls
/// <see cref="OnReload"/> after each attempt; like Prometheus's own
/// <c>prometheus_config_last_reload_success_timestamp_seconds</c>, the initial load counts as a
/// reload, so the timestamp says how old the running config is from the first scrape on.
/// </summary>
public sealed class ReloadMetrics
{
    private readonly TimeProvider _time;
    private long _successes;
    private long _failures;
    // Unix milliseconds of the last success; 0 until one (Prometheus reads 0 as "never").
    private long _lastSuccessUnixMilliseconds;

    public ReloadMetrics(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    public long Successes => Volatile.Read(ref _successes);

    public long Failures => Volatile.Read(ref _failures);

    /// <summary>When the last successful load finished; null before the first.</summary>
    public DateTimeOffset? LastSuccess
    {
        get
        {
            long milliseconds = Volatile.Read(ref _lastSuccessUnixMilliseconds);
            return milliseconds == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        }
    }

    /// <summary>Records one load attempt. Thread-safe: a file watcher and an admin call may race.</summary>
    public void OnReload(bool success)
    {
        if (success)
        {
            // Timestamp before count: a scrape that sees the new count also sees its timestamp.
            Volatile.Write(ref _lastSuccessUnixMilliseconds, _time.GetUtcNow().ToUnixTimeMilliseconds());
            Interlocked.Increment(ref _successes);
        }
        else
        {
            Interlocked.Increment(ref _failures);
        }
    }
}
