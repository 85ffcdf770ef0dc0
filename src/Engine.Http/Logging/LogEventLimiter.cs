using Engine.Core.Timing;

namespace Engine.Http.Logging;

/// <summary>
/// Caps warnings and errors that a broken or hostile peer can cause at request rate (an origin
/// answering garbage, a connection that trips a bug) at one line per event per
/// <see cref="Interval"/>, per entrypoint. The first line of an event is written at once; the
/// next one after the interval carries how many were held back in between. Counts stay exact in
/// /metrics; only the log is condensed. Lock-free: one slot per event of a deadline and a count.
/// </summary>
/// <remarks>
/// No timer: the caller that finds an event's deadline passed moves it on with a
/// compare-exchange and writes the line. With no further occurrences the held-back count is never
/// reported, which is acceptable for a log whose counts live in /metrics.
/// </remarks>
internal sealed class LogEventLimiter
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private readonly Heartbeat _clock;
    private readonly long _interval;
    private readonly Slot[] _slots = new Slot[Enum.GetValues<LimitedLogEvent>().Length];

    public LogEventLimiter(Heartbeat clock, TimeSpan? interval = null)
    {
        _clock = clock;
        Interval = interval ?? DefaultInterval;
        _interval = (long)(Interval.TotalSeconds * clock.Frequency);
        for (int i = 0; i < _slots.Length; i++)
        {
            _slots[i].NextAllowed = long.MinValue;
        }
    }

    public TimeSpan Interval { get; }

    /// <summary>
    /// True when this occurrence of <paramref name="logEvent"/> may be written; false when it is
    /// counted instead.
    /// </summary>
    /// <param name="heldBack">Occurrences not written since the last line of the event, for the caller that may write.</param>
    public bool TryTake(LimitedLogEvent logEvent, out long heldBack)
    {
        ref Slot slot = ref _slots[(int)logEvent];
        long now = _clock.Now;
        long allowed = Volatile.Read(ref slot.NextAllowed);
        if (now >= allowed && Interlocked.CompareExchange(ref slot.NextAllowed, now + _interval, allowed) == allowed)
        {
            heldBack = Interlocked.Exchange(ref slot.HeldBack, 0);
            return true;
        }
        Interlocked.Increment(ref slot.HeldBack);
        heldBack = 0;
        return false;
    }

    private struct Slot
    {
        public long NextAllowed;
        public long HeldBack;
    }
}

/// <summary>The lines <see cref="LogEventLimiter"/> caps (the slot of each is its value).</summary>
internal enum LimitedLogEvent : byte
{
    UnhandledConnectionError,
    InvalidUpstreamResponse,
}
