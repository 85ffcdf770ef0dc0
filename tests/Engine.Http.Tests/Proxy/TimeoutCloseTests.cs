using System.Diagnostics;
using Engine.Http.Http1;
using Engine.TestSupport.Net;

namespace Engine.Http.Tests.Proxy;

/// <summary>
/// Timeouts end a connection the way clients expect: an idle keep-alive connection with a FIN,
/// a stalled request head with 408 and a lingering close, never with a reset.
/// </summary>
public sealed class TimeoutCloseTests
{
    [Fact]
    public async Task IdleKeepAliveConnection_ClosesGracefully_AtTheKeepAliveTimeout()
    {
        await using var origin = ScriptedOrigin.Fixed("ok");
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            entrypoint: e => e with { Timeouts = e.Timeouts with { KeepAliveTimeout = TimeSpan.FromSeconds(1) } });
        await using InMemoryClient client = proxy.Connect(timeout: TimeSpan.FromSeconds(10));

        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("ok", (await client.Reader.ReadResponseAsync())!.BodyText);
        var clock = Stopwatch.StartNew();

        Assert.True(await client.Reader.IsClosedAsync(TimeSpan.FromSeconds(5)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(3));
        await client.WaitHandledAsync(TimeSpan.FromSeconds(2));
        Assert.False(client.Connection.IsAborted, "the proxy aborted (reset) the idle connection instead of closing it");
    }

    [Fact]
    public async Task StalledRequestHead_Gets408_ThenAGracefulClose()
    {
        await using var origin = ScriptedOrigin.Fixed("ok");
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            entrypoint: e => e with { Timeouts = e.Timeouts with { RequestHeaderTimeout = TimeSpan.FromSeconds(1) } });
        await using InMemoryClient client = proxy.Connect(timeout: TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();

        await client.SendAsync("GET /slow HTTP/1.1\r\nHost: x\r\nX-Half: ");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(408, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(4));
        client.Shutdown();
        await client.WaitHandledAsync(TimeSpan.FromSeconds(5));
        Assert.False(client.Connection.IsAborted, "the proxy aborted (reset) instead of closing after its 408");
        Assert.Equal(1, proxy.Metrics.Rejections(RequestRejectionReason.RequestHeaderTimeout));
        Assert.Equal(0, origin.Requests);
    }
}
