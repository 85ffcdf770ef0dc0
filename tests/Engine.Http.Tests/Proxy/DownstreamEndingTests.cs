using System.Diagnostics;
using Engine.TestSupport.Net;

namespace Engine.Http.Tests.Proxy;

/// <summary>
/// How a downstream connection ends when the client goes away or the transport fails: a FIN in
/// the middle of a body ends the exchange at once, a reset or a timeout ends an idle connection
/// without an error in the log, and a step that wraps the connection does not hide the peer
/// reset from the handler. (Found while moving the protocol tests to the in-memory transport.)
/// </summary>
public sealed class DownstreamEndingTests
{
    [Fact]
    public async Task ClientFinInTheMiddleOfARequestBody_EndsTheExchangeAtOnce()
    {
        await using var origin = new ScriptedOrigin(exchange => exchange.RespondAsync(200, "x"));
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url], pool: p => p with { ResponseHeaderTimeout = TimeSpan.FromSeconds(5) });
        await using InMemoryClient client = proxy.Connect();
        await client.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");

        var clock = Stopwatch.StartNew();
        client.Shutdown();

        Assert.True(await client.Reader.IsClosedAsync(TimeSpan.FromSeconds(8)));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Equal(1, proxy.Metrics.ClientAborts);
    }


    [Fact]
    public async Task PeerResetOfAnIdleConnection_EndsItQuietly()
    {
        await using var origin = ScriptedOrigin.Fixed("hi");
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        InMemoryClient client = proxy.Connect();
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("hi", (await client.Reader.ReadResponseAsync())!.BodyText);

        client.Reset();
        await client.WaitHandledAsync();

        Assert.Empty(proxy.Log.Entries);
    }

    [Fact]
    public async Task KeepAliveTimeoutOfAnIdleConnection_EndsItQuietly()
    {
        await using var origin = ScriptedOrigin.Fixed("hi");
        using var heartbeat = new Engine.Core.Timing.Heartbeat(TimeSpan.FromHours(1));
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url], heartbeat: heartbeat,
            entrypoint: e => e with { Timeouts = e.Timeouts with { KeepAliveTimeout = TimeSpan.FromMilliseconds(100) } });
        await using InMemoryClient client = proxy.Connect();
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("hi", (await client.Reader.ReadResponseAsync())!.BodyText);

        await Task.Delay(300);
        await Task.Run(heartbeat.Tick);
        await client.WaitHandledAsync();

        Assert.Empty(proxy.Log.Entries);
    }

    [Fact]
    public async Task PeerResetWhileWaitingForTheResponseHead_IsNoticed_BehindAStepThatWrapsTheConnection()
    {
        var requestArrived = new TaskCompletionSource();
        var upstreamClosed = new TaskCompletionSource();
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            requestArrived.TrySetResult();
            if (await exchange.Connection.Reader.IsClosedAsync(TimeSpan.FromSeconds(5)))
            {
                upstreamClosed.TrySetResult();
            }
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            steps: pipeline => pipeline.Use(next => connection => next(new ConnectionPipelineTests.TlsConnection(connection))));
        InMemoryClient client = proxy.Connect();
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        await requestArrived.Task.WaitAsync(InMemoryClient.DefaultTimeout);

        client.Reset();

        await upstreamClosed.Task.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(1, proxy.Metrics.ClientAborts);
    }

    [Fact]
    public async Task ClientResetInTheMiddleOfAResponseBody_IsAClientAbort_NotAnUpstreamFailure()
    {
        var headSent = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            await exchange.Connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst part");
            headSent.TrySetResult();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(10));
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        InMemoryClient client = proxy.Connect();
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        await headSent.Task.WaitAsync(InMemoryClient.DefaultTimeout);

        client.Reset();
        await client.WaitHandledAsync();
        release.TrySetResult();

        Assert.Equal(1, proxy.Metrics.ClientAborts);
        Assert.Equal(0, proxy.Metrics.UpstreamErrors(Engine.Http.Proxy.UpstreamErrorKind.ResetDuringBody));
        Assert.DoesNotContain(proxy.Log.Entries, entry => entry.Contains(Engine.Http.Proxy.UpstreamFailureState.Label(Engine.Http.Proxy.UpstreamErrorKind.ResetDuringBody), StringComparison.Ordinal));
    }
}
