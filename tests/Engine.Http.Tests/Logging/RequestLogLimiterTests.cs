using Engine.Http.Logging;

namespace Engine.Http.Tests.Logging;

public sealed class RequestLogLimiterTests
{
    [Fact]
    public void TryTake_WithinOneSecond_AdmitsTheLimitThenRefuses()
    {
        var clock = new SteppedClock();
        var limiter = new RequestLogLimiter(3, clock);

        bool[] taken = [.. Enumerable.Range(0, 5).Select(_ => limiter.TryTake(out long _))];

        Assert.Equal([true, true, true, false, false], taken);
    }

    [Fact]
    public void TryTake_InTheNextSecond_AdmitsAgainAndReportsWhatTheLastSecondRefused()
    {
        var clock = new SteppedClock();
        var limiter = new RequestLogLimiter(2, clock);
        for (int i = 0; i < 7; i++)
        {
            limiter.TryTake(out _);
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        bool first = limiter.TryTake(out long refusedBefore);
        bool second = limiter.TryTake(out long reportedAgain);

        Assert.True(first);
        Assert.Equal(5, refusedBefore);
        Assert.True(second);
        Assert.Equal(0, reportedAgain);
    }

    [Fact]
    public void TryTake_AfterASecondWithNothingRefused_ReportsNothing()
    {
        var clock = new SteppedClock();
        var limiter = new RequestLogLimiter(2, clock);
        limiter.TryTake(out _);

        clock.Advance(TimeSpan.FromSeconds(3));

        Assert.True(limiter.TryTake(out long refused));
        Assert.Equal(0, refused);
    }
}
