using Engine.Core.Timing;
using Engine.Http.Proxy;
using Engine.Http.Tests.Logging;

namespace Engine.Http.Tests.Proxy;

public sealed class UpstreamFailureStateTests : IDisposable
{
    private readonly SteppedClock _clock = new();
    private readonly Heartbeat _heartbeat;
    private readonly UpstreamFailureState _state;

    public UpstreamFailureStateTests()
    {
        _heartbeat = new Heartbeat(TimeSpan.FromHours(1), _clock);
        _state = new UpstreamFailureState(_heartbeat);
    }

    public void Dispose() => _heartbeat.Dispose();

    private void Advance(TimeSpan by)
    {
        _clock.Advance(by);
        _heartbeat.Tick();
    }

    [Fact]
    public void OnFailure_OfAWorkingDestination_WritesTheFailingLineOnceThenNothingWithinTheInterval()
    {
        FailureLine first = _state.OnFailure(UpstreamErrorKind.ConnectRefused, out _);
        FailureLine[] rest = [.. Enumerable.Range(0, 999).Select(i => _state.OnFailure(UpstreamErrorKind.ConnectRefused, out _))];

        Assert.Equal(FailureLine.Failing, first);
        Assert.All(rest, line => Assert.Equal(FailureLine.None, line));
        Assert.True(_state.IsFailing);
    }

    [Fact]
    public void OnFailure_AfterTheInterval_SummarisesTheFailuresSinceTheLastLineByKind()
    {
        _state.OnFailure(UpstreamErrorKind.ConnectRefused, out _);
        for (int i = 0; i < 40; i++)
        {
            _state.OnFailure(UpstreamErrorKind.ConnectRefused, out _);
        }
        _state.OnFailure(UpstreamErrorKind.ResetBeforeResponse, out _);

        Advance(TimeSpan.FromSeconds(10));
        FailureLine crossing = _state.OnFailure(UpstreamErrorKind.ConnectRefused, out UpstreamFailureSummary summary);
        FailureLine next = _state.OnFailure(UpstreamErrorKind.ConnectRefused, out _);

        Assert.Equal(FailureLine.Summary, crossing);
        Assert.Equal(new UpstreamFailureSummary(42, TimeSpan.FromSeconds(10), "connect_refused 41, reset_before_response 1"), summary);
        Assert.Equal(FailureLine.None, next);
    }

    [Fact]
    public void TryRecover_AfterAQuietSecond_ReportsTheSpellOnceWithWhatWasNotYetSummarised()
    {
        _state.OnFailure(UpstreamErrorKind.ConnectRefused, out _);
        _state.OnFailure(UpstreamErrorKind.ConnectRefused, out _);
        _state.OnFailure(UpstreamErrorKind.ConnectTimeout, out _);

        Advance(TimeSpan.FromSeconds(2));
        bool recovered = _state.TryRecover(out UpstreamFailureSummary pending, out long failures, out TimeSpan failingFor);
        bool again = _state.TryRecover(out _, out _, out _);

        Assert.True(recovered);
        Assert.Equal(3, failures);
        Assert.Equal(TimeSpan.FromSeconds(2), failingFor);
        Assert.Equal(new UpstreamFailureSummary(2, TimeSpan.FromSeconds(2), "connect_refused 1, connect_timeout 1"), pending);
        Assert.False(again);
        Assert.False(_state.IsFailing);
    }

    [Fact]
    public void TryRecover_WithinAQuietSecondOfAFailure_KeepsTheDestinationFailing()
    {
        _state.OnFailure(UpstreamErrorKind.ResetBeforeResponse, out _);

        Advance(TimeSpan.FromMilliseconds(500));

        Assert.False(_state.TryRecover(out _, out _, out _));
        Assert.True(_state.IsFailing);
    }

    [Fact]
    public void OnFailure_AfterARecovery_StartsANewSpellWithItsOwnFailingLine()
    {
        _state.OnFailure(UpstreamErrorKind.ConnectRefused, out _);
        Advance(TimeSpan.FromSeconds(2));
        _state.TryRecover(out _, out _, out _);

        FailureLine line = _state.OnFailure(UpstreamErrorKind.ConnectRefused, out _);
        Advance(TimeSpan.FromSeconds(2));
        _state.TryRecover(out _, out long failures, out _);

        Assert.Equal(FailureLine.Failing, line);
        Assert.Equal(1, failures);
    }

    [Fact]
    public void OnFailure_FromManyThreadsAtOnce_WritesOneFailingLineAndLosesNoCount()
    {
        int failingLines = 0;
        Parallel.For(0, 10_000, i =>
        {
            if (_state.OnFailure(UpstreamErrorKind.ConnectRefused, out _) == FailureLine.Failing)
            {
                Interlocked.Increment(ref failingLines);
            }
        });

        Advance(TimeSpan.FromSeconds(10));
        _state.TryRecover(out UpstreamFailureSummary pending, out long failures, out _);

        Assert.Equal(1, failingLines);
        Assert.Equal(10_000, failures);
        Assert.Equal(9_999, pending.Count);
    }
}
