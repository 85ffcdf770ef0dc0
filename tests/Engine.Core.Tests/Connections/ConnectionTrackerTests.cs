using System.Diagnostics;
using Engine.Core.Connections;
using Engine.Core.Timing;

namespace Engine.Core.Tests.Connections;

public sealed class ConnectionTrackerTests
{
    private static ConnectionTracker NewTracker() => new(new Heartbeat(TimeSpan.FromHours(1)));

    [Fact]
    public void OnHeartbeat_TellsEachConnectionWhoseDeadlinePassed_AndNoOther()
    {
        ConnectionTracker tracker = NewTracker();
        var early = new FakeConnection { Deadline = 100 };
        var late = new FakeConnection { Deadline = 200 };
        var never = new FakeConnection { Deadline = long.MaxValue };
        tracker.Add(early);
        tracker.Add(late);
        tracker.Add(never);

        tracker.OnHeartbeat(99);
        Assert.Equal([0, 0, 0], new[] { early.DeadlinesPassed, late.DeadlinesPassed, never.DeadlinesPassed });

        tracker.OnHeartbeat(150);
        Assert.Equal([1, 0, 0], new[] { early.DeadlinesPassed, late.DeadlinesPassed, never.DeadlinesPassed });

        tracker.OnHeartbeat(200);
        Assert.Equal([2, 1, 0], new[] { early.DeadlinesPassed, late.DeadlinesPassed, never.DeadlinesPassed });
    }

    [Fact]
    public void ARemovedConnection_IsNoLongerTold()
    {
        ConnectionTracker tracker = NewTracker();
        var connection = new FakeConnection { Deadline = 0 };
        object key = tracker.Add(connection);

        tracker.Remove(key);
        tracker.OnHeartbeat(1);

        Assert.Equal(0, connection.DeadlinesPassed);
        Assert.True(tracker.IsEmpty);
    }

    [Fact]
    public void TheHeartbeat_ChecksTheTrackerItIsRegisteredWith()
    {
        using var heartbeat = new Heartbeat(TimeSpan.FromHours(1));
        var tracker = new ConnectionTracker(heartbeat);
        var connection = new FakeConnection { Deadline = 0 };
        tracker.Add(connection);

        heartbeat.Tick();
        Assert.Equal(0, connection.DeadlinesPassed);

        heartbeat.Register(tracker);
        heartbeat.Tick();
        Assert.Equal(1, connection.DeadlinesPassed);
    }

    [Fact]
    public void DescribePhases_CountsConnectionsPerPhase_InNameOrder()
    {
        ConnectionTracker tracker = NewTracker();
        tracker.Add(new FakeConnection { PhaseName = "Idle" });
        tracker.Add(new FakeConnection { PhaseName = "Body" });
        tracker.Add(new FakeConnection { PhaseName = "Idle" });

        Assert.Equal("Body: 1, Idle: 2", tracker.DescribePhases());
    }

    [Fact]
    public async Task Drain_AsksEveryConnectionToDrain_AndReturnsOnceTheyAreGone_WithoutAborting()
    {
        ConnectionTracker tracker = NewTracker();
        var connections = new[] { new FakeConnection(), new FakeConnection() };
        foreach (FakeConnection connection in connections)
        {
            object key = tracker.Add(connection);
            connection.OnDrain = () => tracker.Remove(key);
        }

        var clock = Stopwatch.StartNew();
        await tracker.DrainAsync(TimeSpan.FromSeconds(10)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.All(connections, c => Assert.Equal((1, 0), (c.Drains, c.Aborts)));
    }

    [Fact]
    public async Task Drain_AbortsWhatIsLeftAfterTheTimeout()
    {
        ConnectionTracker tracker = NewTracker();
        var stuck = new FakeConnection();
        object key = tracker.Add(stuck);
        stuck.OnAbort = () => tracker.Remove(key);

        var clock = Stopwatch.StartNew();
        await tracker.DrainAsync(TimeSpan.FromMilliseconds(200)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(180), TimeSpan.FromSeconds(5));
        Assert.Equal((1, 1), (stuck.Drains, stuck.Aborts));
        Assert.True(tracker.IsEmpty);
    }

    private sealed class FakeConnection : ITrackedConnection
    {
        public long Deadline { get; set; } = long.MaxValue;

        public string PhaseName { get; set; } = "Idle";

        public int DeadlinesPassed { get; private set; }

        public int Drains { get; private set; }

        public int Aborts { get; private set; }

        public Action? OnDrain { get; set; }

        public Action? OnAbort { get; set; }

        public void OnDeadlinePassed() => DeadlinesPassed++;

        public void BeginDrain()
        {
            Drains++;
            OnDrain?.Invoke();
        }

        public void Abort()
        {
            Aborts++;
            OnAbort?.Invoke();
        }
    }
}
