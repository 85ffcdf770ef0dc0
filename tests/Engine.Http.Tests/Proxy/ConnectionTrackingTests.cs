using System.Diagnostics;
using Engine.Core.Timing;
using Engine.TestSupport.Net;

namespace Engine.Http.Tests.Proxy;

/// <summary>
/// HTTP connections as the heartbeat and a drain see them through the connection tracker, and a
/// peer reset seen by the transport, on the in-memory transport.
/// </summary>
public sealed class ConnectionTrackingTests
{
    [Fact]
    public async Task HeartbeatAfterTheKeepAliveDeadline_ClosesTheIdleConnection_ATickBeforeItDoesNot()
    {
        await using var origin = ScriptedOrigin.Fixed("hi");
        // Ticked by hand: the timer's own first tick is an hour away.
        using var heartbeat = new Heartbeat(TimeSpan.FromHours(1));
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url], heartbeat: heartbeat,
            entrypoint: e => e with { Timeouts = e.Timeouts with { KeepAliveTimeout = TimeSpan.FromMilliseconds(200) } });
        await using InMemoryClient client = proxy.Connect();
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("hi", (await client.Reader.ReadResponseAsync())!.BodyText);

        await Task.Run(heartbeat.Tick);
        Assert.False(await client.Reader.IsClosedAsync(TimeSpan.FromMilliseconds(50)));
        Assert.Equal(1, proxy.Tracker.Count);

        await Task.Delay(400);
        await Task.Run(heartbeat.Tick);

        Assert.True(await client.Reader.IsClosedAsync(TimeSpan.FromSeconds(5)));
        await client.WaitHandledAsync();
        Assert.Equal(0, proxy.Tracker.Count);
        // A FIN, not a reset: nothing was in flight, so the close is graceful.
        Assert.False(client.Connection.IsAborted);
    }

    [Fact]
    public async Task Drain_ClosesAnIdleConnectionAtOnce_WithoutAnAbort()
    {
        await using var origin = ScriptedOrigin.Fixed("hi");
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("hi", (await client.Reader.ReadResponseAsync())!.BodyText);

        var clock = Stopwatch.StartNew();
        await Task.Run(() => proxy.Tracker.DrainAsync(TimeSpan.FromSeconds(10))).WaitAsync(InMemoryClient.DefaultTimeout);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.True(await client.Reader.IsClosedAsync(TimeSpan.FromSeconds(1)));
        await client.WaitHandledAsync();
        Assert.False(client.Connection.IsAborted);
        Assert.True(proxy.Tracker.IsEmpty);
    }

    [Fact]
    public async Task Drain_LetsAnInFlightRequestFinish_WithConnectionClose()
    {
        var requestArrived = new TaskCompletionSource();
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            requestArrived.TrySetResult();
            await Task.Delay(300);
            await exchange.RespondAsync(200, "done");
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        await requestArrived.Task.WaitAsync(InMemoryClient.DefaultTimeout);

        Task draining = Task.Run(() => proxy.Tracker.DrainAsync(TimeSpan.FromSeconds(10)));
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal("done", response.BodyText);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await client.Reader.IsClosedAsync(TimeSpan.FromSeconds(5)));
        await draining.WaitAsync(InMemoryClient.DefaultTimeout);
        await client.WaitHandledAsync();
        Assert.False(client.Connection.IsAborted);
    }

    [Fact]
    public async Task Drain_AbortsAConnectionStuckInAHead_AfterTheTimeout()
    {
        await using InMemoryProxy proxy = InMemoryProxy.Start(["http://127.0.0.1:1"]);
        await using InMemoryClient client = proxy.Connect();
        await client.SendAsync("GET / HTTP/1.1\r\nHo");
        await WaitUntilAsync(() => proxy.Tracker.DescribePhases() == "ReadingHead: 1");

        var clock = Stopwatch.StartNew();
        await Task.Run(() => proxy.Tracker.DrainAsync(TimeSpan.FromMilliseconds(300))).WaitAsync(InMemoryClient.DefaultTimeout);

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(280), TimeSpan.FromSeconds(5));
        await client.WaitHandledAsync();
        Assert.True(client.Connection.IsAborted);
        Assert.Empty(await client.ReadToEndAsync());
        Assert.True(proxy.Tracker.IsEmpty);
    }

    [Fact]
    public async Task PeerResetWhileWaitingForTheResponseHead_AbortsTheExchange_AndCountsAClientAbort()
    {
        var requestArrived = new TaskCompletionSource();
        var upstreamClosed = new TaskCompletionSource();
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            requestArrived.TrySetResult();
            // Never answer; notice when the proxy gives up on this connection.
            if (await exchange.Connection.Reader.IsClosedAsync(TimeSpan.FromSeconds(10)))
            {
                upstreamClosed.TrySetResult();
            }
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        InMemoryClient client = proxy.Connect();
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        await requestArrived.Task.WaitAsync(InMemoryClient.DefaultTimeout);
        Assert.Equal("AwaitingUpstream: 1", proxy.Tracker.DescribePhases());

        client.Reset();

        await upstreamClosed.Task.WaitAsync(InMemoryClient.DefaultTimeout);
        await client.WaitHandledAsync();
        Assert.Equal(1, proxy.Metrics.ClientAborts);
        Assert.True(proxy.Tracker.IsEmpty);
        Assert.Empty(proxy.Log.Entries);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < InMemoryClient.DefaultTimeout, "The condition did not come true in time.");
            await Task.Delay(5);
        }
    }
}
