using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Engine.Http.Http1;
using Engine.TestSupport.Net;

namespace Engine.Http.Tests.Proxy;

/// <summary>
/// A client that stalls, trickles or abandons its request body is the client's failure: it is
/// answered 408 (or closed), counted as a rejection, and never holds the origin connection. An
/// origin that answers before the body is complete is relayed at once.
/// </summary>
public sealed class RequestBodyFaultTests
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StalledRequestBody_Gets408AtBodyIdle_AndFreesTheOrigin()
    {
        await using var origin = new ListeningOrigin(answerAtOnce: false);
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            entrypoint: e => e with { Timeouts = e.Timeouts with { BodyIdleTimeout = TimeSpan.FromSeconds(1), MinRequestBodyRate = 0 } });
        await using InMemoryClient client = proxy.Connect(timeout: s_patience);
        var clock = Stopwatch.StartNew();

        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nfirst bytes");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(408, response.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(4));
        Assert.Equal("close", response.Header("Connection"));
        await origin.Closed.Task.WaitAsync(s_patience);
        Assert.Equal(1, proxy.Metrics.Rejections(RequestRejectionReason.RequestBodyTimeout));
        Assert.Equal(0, proxy.Metrics.UpstreamErrors(Engine.Http.Proxy.UpstreamErrorKind.ResponseTimeout));
    }

    [Fact]
    public async Task TricklingRequestBody_BelowTheMinimumRate_Gets408AfterTheGracePeriod()
    {
        await using var origin = new ListeningOrigin(answerAtOnce: false);
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            entrypoint: e => e with
            {
                Timeouts = e.Timeouts with { MinRequestBodyRate = 100, MinRequestBodyRateGrace = TimeSpan.FromSeconds(1) },
            });
        await using InMemoryClient client = proxy.Connect(timeout: s_patience);
        var clock = Stopwatch.StartNew();

        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
        using var stop = new CancellationTokenSource();
        Task trickle = Task.Run(async () =>
        {
            // 10 bytes a second: each byte arrives well within body_idle, the average stays far below 100 B/s.
            while (!stop.IsCancellationRequested)
            {
                await client.SendAsync("x");
                await Task.Delay(100, stop.Token);
            }
        });
        RawMessage response = (await client.Reader.ReadResponseAsync())!;
        await stop.CancelAsync();
        await Task.WhenAny(trickle);

        Assert.Equal(408, response.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        await origin.Closed.Task.WaitAsync(s_patience);
        Assert.Equal(1, proxy.Metrics.Rejections(RequestRejectionReason.RequestBodyTimeout));
    }

    [Fact]
    public async Task RequestBodyFasterThanTheMinimumRate_IsForwardedWhole()
    {
        await using var origin = ScriptedOrigin.Fixed("stored");
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            entrypoint: e => e with { Timeouts = e.Timeouts with { MinRequestBodyRate = 100, MinRequestBodyRateGrace = TimeSpan.FromSeconds(1) } });
        await using InMemoryClient client = proxy.Connect(timeout: s_patience);

        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 600\r\n\r\n");
        for (int i = 0; i < 6; i++)
        {
            // 100 bytes every 250 ms: 400 B/s over 1.5 s, above the minimum after the grace period.
            await client.SendAsync(new string('y', 100));
            await Task.Delay(250);
        }
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal("stored", response.BodyText);
        Assert.Equal(0, proxy.Metrics.Rejections(RequestRejectionReason.RequestBodyTimeout));
    }

    [Fact]
    public async Task ClientClosingMidBody_ClosesTheOriginConnectionWithinASecond()
    {
        await using var origin = new ListeningOrigin(answerAtOnce: false);
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect(timeout: s_patience);

        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + new string('z', 1000));
        await origin.HeadReceived.Task.WaitAsync(s_patience);
        var clock = Stopwatch.StartNew();
        client.Shutdown();

        await origin.Closed.Task.WaitAsync(s_patience);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        await client.WaitHandledAsync(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task OriginAnsweringBeforeTheBodyEnds_IsRelayedAtOnce_ThenTheConnectionCloses()
    {
        await using var origin = new ListeningOrigin(answerAtOnce: true);
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect(timeout: s_patience);

        // A large upload announced; only its first kilobyte is sent before the answer must arrive.
        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n" + new string('z', 1024));
        var clock = Stopwatch.StartNew();
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(413, response.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.True(await client.Reader.IsClosedAsync(TimeSpan.FromSeconds(5)));
    }
}
