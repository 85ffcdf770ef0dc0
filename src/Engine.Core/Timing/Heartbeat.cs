using System.Diagnostics;

namespace Engine.Core.Timing;

/// <summary>Something that checks its deadlines once per heartbeat.</summary>
public interface IHeartbeatHandler
{
    void OnHeartbeat(long now);
}

/// <summary>
/// One timer for every timeout in the process, as Kestrel does: connections store a deadline
/// (a number) per phase instead of arming a timer per request, and the heartbeat compares. The
/// cost is a resolution of one <see cref="Interval"/>; the gain is no timer, allocation or lock per
/// request. <see cref="Now"/> is the coarse clock deadlines are computed from.
/// </summary>
public sealed class Heartbeat : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly ITimer _timer;
    private readonly Lock _handlersLock = new();
    private IHeartbeatHandler[] _handlers = [];
    private long _now;
    private int _running;

    public Heartbeat(TimeSpan interval, TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        Interval = interval;
        _now = _timeProvider.GetTimestamp();
        _timer = _timeProvider.CreateTimer(static state => ((Heartbeat)state!).Tick(), this, interval, interval);
    }

    public static Heartbeat Shared { get; } = new(TimeSpan.FromMilliseconds(100));

    public TimeSpan Interval { get; }

    /// <summary>The time of the last tick, in <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    public long Now => Volatile.Read(ref _now);

    public long Frequency => _timeProvider.TimestampFrequency;

    /// <summary>A deadline <paramref name="timeout"/> after the last tick; <see cref="long.MaxValue"/> for an infinite timeout.</summary>
    public long DeadlineAfter(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan || timeout == TimeSpan.MaxValue
            ? long.MaxValue
            : Now + (long)(timeout.TotalSeconds * _timeProvider.TimestampFrequency);

    public void Register(IHeartbeatHandler handler)
    {
        lock (_handlersLock)
        {
            _handlers = [.. _handlers, handler];
        }
    }

    public void Unregister(IHeartbeatHandler handler)
    {
        lock (_handlersLock)
        {
            _handlers = Array.FindAll(_handlers, h => !ReferenceEquals(h, handler));
        }
    }

    /// <summary>Runs one tick now (tests use this with a fake clock).</summary>
    public void Tick()
    {
        // A slow tick must not overlap the next one: the handlers are not re-entrant.
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            return;
        }
        try
        {
            long now = _timeProvider.GetTimestamp();
            Volatile.Write(ref _now, now);
            foreach (IHeartbeatHandler handler in Volatile.Read(ref _handlers))
            {
                try
                {
                    handler.OnHeartbeat(now);
                }
                catch (Exception ex)
                {
                    Debug.Fail($"Heartbeat handler threw: {ex}");
                }
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    public void Dispose() => _timer.Dispose();
}
