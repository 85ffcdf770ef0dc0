using Engine.Core.Timing;
using Engine.Http.Logging;

namespace Engine.Http.Tests.Logging;

public sealed class LogEventLimiterTests : IDisposable
{
    private readonly SteppedClock _clock = new();
    private readonly Heartbeat _heartbeat;
    private readonly LogEventLimiter _limiter;

    public LogEventLimiterTests()
    {
        _heartbeat = new Heartbeat(TimeSpan.FromHours(1), _clock);
        _limiter = new LogEventLimiter(_heartbeat);
    }

    public void Dispose() => _heartbeat.Dispose();

    [Fact]
    public void TryTake_WritesTheFirstLineThenHoldsBackTheRestOfTheInterval()
    {
        bool[] taken = [.. Enumerable.Range(0, 4).Select(i => _limiter.TryTake(LimitedLogEvent.InvalidUpstreamResponse, out _))];

        Assert.Equal([true, false, false, false], taken);
    }

    [Fact]
    public void TryTake_AfterTheInterval_WritesAgainAndReportsHowManyWereHeldBack()
    {
        for (int i = 0; i < 6; i++)
        {
            _limiter.TryTake(LimitedLogEvent.InvalidUpstreamResponse, out _);
        }

        _clock.Advance(TimeSpan.FromSeconds(10));
        _heartbeat.Tick();
        bool taken = _limiter.TryTake(LimitedLogEvent.InvalidUpstreamResponse, out long heldBack);

        Assert.True(taken);
        Assert.Equal(5, heldBack);
    }

    [Fact]
    public void TryTake_KeepsEachEventApart()
    {
        _limiter.TryTake(LimitedLogEvent.InvalidUpstreamResponse, out _);

        Assert.True(_limiter.TryTake(LimitedLogEvent.UnhandledConnectionError, out long heldBack));
        Assert.Equal(0, heldBack);
    }
}
