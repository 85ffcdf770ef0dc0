namespace Engine.Http.Logging;

/// <summary>
/// Caps the per-request debug lines (where a request was routed, which found no router) at
/// about <see cref="LinesPerSecond"/> per one-second window, so that debug level stays readable,
/// and affordable, under load. One limiter serves every entrypoint of a gateway and outlives
/// reloads. Lock-free: a window is a number (the whole seconds of the clock), and the caller that
/// moves it on collects how many lines the window before refused, to write one summary line.
/// </summary>
/// <remarks>
/// The cap is approximate on purpose. Thread A opens a new window and then zeroes the count;
/// thread B, taking a place in between, is counted in the old window and then forgotten, so a
/// window may admit a few more lines than the cap. Exactness would need a lock per request.
/// A window's refusals are reported when the next window opens, which is when a request next
/// asks for a line: after a quiet spell the summary comes late, never lost.
/// </remarks>
public sealed class RequestLogLimiter
{
    /// <summary>Enough to follow a handful of clients; a load test produces thousands a second.</summary>
    public const int DefaultLinesPerSecond = 100;

    private readonly TimeProvider _time;
    private long _window = long.MinValue;
    private int _taken;
    private long _refused;

    public RequestLogLimiter(int linesPerSecond = DefaultLinesPerSecond, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(linesPerSecond);
        LinesPerSecond = linesPerSecond;
        _time = timeProvider ?? TimeProvider.System;
    }

    public int LinesPerSecond { get; }

    /// <summary>
    /// Takes a place for one line in the current second; false when the second's places are gone
    /// (the line is counted as refused instead).
    /// </summary>
    /// <param name="refusedInLastWindow">
    /// Lines the previous window refused: nonzero only for the one caller that opened a new
    /// window, which then writes the summary.
    /// </param>
    public bool TryTake(out long refusedInLastWindow)
    {
        refusedInLastWindow = 0;
        long window = _time.GetTimestamp() / _time.TimestampFrequency;
        long current = Volatile.Read(ref _window);
        if (window != current && Interlocked.CompareExchange(ref _window, window, current) == current)
        {
            Interlocked.Exchange(ref _taken, 0);
            refusedInLastWindow = Interlocked.Exchange(ref _refused, 0);
        }

        if (Interlocked.Increment(ref _taken) <= LinesPerSecond)
        {
            return true;
        }

        Interlocked.Increment(ref _refused);
        return false;
    }
}
