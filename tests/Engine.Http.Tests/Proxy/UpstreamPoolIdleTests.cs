using Engine.TestSupport.Net;

namespace Engine.Http.Tests.Proxy;

/// <summary>How long an idle pooled upstream connection is kept (the pool's <c>idle_timeout</c>).</summary>
public sealed class UpstreamPoolIdleTests
{
    [Theory]
    [InlineData(-1, 1)]     // "infinite": kept however many ticks pass
    [InlineData(50, 2)]     // 50 ms: closed by the tick after it, so the next request connects again
    public async Task IdleConnection_IsKeptOrClosedByTheHeartbeat_AsIdleTimeoutSays(int idleTimeoutMs, int expectedConnections)
    {
        await using var origin = ScriptedOrigin.Fixed("hi");
        using var heartbeat = new Engine.Core.Timing.Heartbeat(TimeSpan.FromHours(1));
        TimeSpan idleTimeout = idleTimeoutMs < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(idleTimeoutMs);
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url], heartbeat: heartbeat, pool: p => p with { IdleTimeout = idleTimeout });
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("hi", (await client.Reader.ReadResponseAsync())!.BodyText);
        await Task.Delay(200);
        heartbeat.Tick();
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("hi", (await client.Reader.ReadResponseAsync())!.BodyText);

        Assert.Equal(expectedConnections, origin.Connections);
    }
}
