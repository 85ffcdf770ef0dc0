using Engine.Http.Proxy;
using Engine.TestSupport.Net;

namespace Engine.Http.Tests.Proxy;

/// <summary>
/// Upstream failures as the client sees them, over an in-memory connection to the proxy. The
/// client-side TCP resets stay on sockets: Engine.Host.Tests/Proxy/UpstreamFailureTests.
/// </summary>
public sealed class UpstreamFailureTests
{
    private static async Task<RawMessage> GetAsync(InMemoryProxy proxy, string target = "/")
    {
        await using InMemoryClient client = proxy.Connect();
        await client.SendAsync($"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n");
        return (await client.Reader.ReadResponseAsync())!;
    }

    [Fact]
    public async Task RefusedConnection_Answers502WithAShortBody()
    {
        int closedPort = TestTools.FreePort();
        await using InMemoryProxy proxy = InMemoryProxy.Start([$"http://127.0.0.1:{closedPort}"]);

        RawMessage response = await GetAsync(proxy);

        Assert.Equal(502, response.Status);
        Assert.Equal("502 Bad Gateway\n", response.BodyText);
        Assert.Equal(1, proxy.Metrics.UpstreamErrors(UpstreamErrorKind.ConnectRefused));
    }

    [Fact]
    public async Task OriginResettingBeforeResponse_Answers502()
    {
        await using var origin = new ScriptedOrigin(exchange =>
        {
            exchange.Connection.Reset();
            return Task.CompletedTask;
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);

        RawMessage response = await GetAsync(proxy);

        Assert.Equal(502, response.Status);
    }

    [Fact]
    public async Task SlowResponseHead_Answers504AfterTheResponseTimeout()
    {
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10));
            await exchange.RespondAsync(200, "late");
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            pool: p => p with { ResponseHeaderTimeout = TimeSpan.FromMilliseconds(500) });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        RawMessage response = await GetAsync(proxy);

        Assert.Equal(504, response.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
        Assert.Equal(1, proxy.Metrics.UpstreamErrors(UpstreamErrorKind.ResponseTimeout));
    }

    [Fact]
    public async Task SlowButTimelyOrigin_IsWaitedFor()
    {
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            await Task.Delay(300);
            await exchange.Connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
            await Task.Delay(300);
            await exchange.Connection.WriteAsync("world");
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);

        RawMessage response = await GetAsync(proxy);

        Assert.Equal("helloworld", response.BodyText);
    }

    [Fact]
    public async Task OriginResettingMidBody_ClosesTheClientConnection_AndIsNotReused()
    {
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            if (exchange.Connection.Number == 1)
            {
                await exchange.Connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
                await Task.Delay(100);
                exchange.Connection.Reset();
                return;
            }
            await exchange.RespondAsync(200, "fresh");
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);

        await using (InMemoryClient client = proxy.Connect())
        {
            await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            await Assert.ThrowsAsync<EndOfStreamException>(() => client.Reader.ReadResponseAsync());
        }

        RawMessage next = await GetAsync(proxy);
        Assert.Equal("fresh", next.BodyText);
        Assert.Equal(2, origin.Connections);
        Assert.Equal(1, proxy.Metrics.UpstreamErrors(UpstreamErrorKind.ResetDuringBody));
    }

    [Fact]
    public async Task PooledConnectionClosedByOriginWhileIdle_IsRetriedOnceOnAFreshConnection()
    {
        // The origin answers once per connection, then closes it without saying so in the
        // response: the pooled connection is dead when the next request takes it.
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            await exchange.RespondAsync(200, $"conn{exchange.Connection.Number}");
            await Task.Delay(50);
            exchange.Connection.Close();
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);

        Assert.Equal("conn1", (await GetAsync(proxy)).BodyText);
        await Task.Delay(300);
        RawMessage second = await GetAsync(proxy);

        Assert.Equal(200, second.Status);
        Assert.Equal("conn2", second.BodyText);
        Assert.Equal(0, proxy.Metrics.UpstreamErrors(UpstreamErrorKind.ResetBeforeResponse));
    }

    [Fact]
    public async Task StaleConnectionRaceOnSend_IsRetriedOnce()
    {
        // The origin closes right after answering, so the proxy may pool the connection before
        // it sees the FIN; whichever way the race goes, the client gets an answer.
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            await exchange.RespondAsync(200, "ok");
            exchange.Connection.Close();
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await GetAsync(proxy)).Status);
        }
    }
}
