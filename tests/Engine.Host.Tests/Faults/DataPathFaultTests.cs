using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Engine.Host.Tests.Proxy;
using Engine.Http.Http1;
using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Faults;

/// <summary>
/// The data-path faults of issue 10, each reproduced with real sockets on both sides of the
/// running gateway and held to its figure: pipelining behind chunked bodies, 408 at body_idle and
/// under the minimum body rate, abandoned uploads freeing the origin within a second, early
/// answers relayed at once, Date on every response, one Content-Length value, 501 for CONNECT, and
/// a FIN (not a reset) at the keep-alive timeout. (Descriptor exhaustion and log floods have
/// their own tests.)
/// </summary>
public sealed class DataPathFaultTests
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task GetPipelinedBehindAChunkedPost_InOnePacket_IsAnsweredWithoutMoreBytes()
    {
        await using var origin = new ScriptedOrigin(exchange => exchange.RespondAsync(200, exchange.Request.StartLine));
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);
        using Connection client = await Connection.OpenAsync(proxy);

        await client.SendAsync("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n\r\n");

        Assert.Equal("POST /a HTTP/1.1", (await client.Reader.ReadResponseAsync())!.BodyText);
        Assert.Equal("GET /b HTTP/1.1", (await client.Reader.ReadResponseAsync())!.BodyText);
    }

    [Fact]
    public async Task StalledBody_Is408AtBodyIdle_AndTheOriginConnectionCloses()
    {
        await using var origin = new ListeningOrigin(answerAtOnce: false);
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url],
            entrypoint: e => e with { Timeouts = e.Timeouts with { BodyIdleTimeout = TimeSpan.FromSeconds(1), MinRequestBodyRate = 0 } });
        using Connection client = await Connection.OpenAsync(proxy);
        var clock = Stopwatch.StartNew();

        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(408, response.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(3));
        await origin.Closed.Task.WaitAsync(s_patience);
        Assert.Equal(1, proxy.Metrics.Rejections(RequestRejectionReason.RequestBodyTimeout));
    }

    [Fact]
    public async Task BodyBelowTheMinimumRate_Is408AfterTheGracePeriod()
    {
        await using var origin = new ListeningOrigin(answerAtOnce: false);
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url],
            entrypoint: e => e with { Timeouts = e.Timeouts with { MinRequestBodyRate = 1000, MinRequestBodyRateGrace = TimeSpan.FromSeconds(1) } });
        using Connection client = await Connection.OpenAsync(proxy);

        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
        Task<RawMessage?> answer = client.Reader.ReadResponseAsync();
        var clock = Stopwatch.StartNew();
        while (!answer.IsCompleted && clock.Elapsed < s_patience)
        {
            // 1 byte every 50 ms: 20 B/s, far under 1,000 B/s, and never idle for long.
            await client.TrySendAsync("x");
            await Task.Delay(50);
        }

        Assert.Equal(408, (await answer)!.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        await origin.Closed.Task.WaitAsync(s_patience);
    }

    [Fact]
    public async Task AbandonedUpload_ClosesTheOriginConnectionWithinOneSecond()
    {
        await using var origin = new ListeningOrigin(answerAtOnce: false);
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);
        Connection client = await Connection.OpenAsync(proxy);

        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" + new string('z', 4096));
        await origin.HeadReceived.Task.WaitAsync(s_patience);
        var clock = Stopwatch.StartNew();
        client.Dispose();

        await origin.Closed.Task.WaitAsync(s_patience);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task EarlyOriginAnswer_ToALargeUpload_IsRelayedAtOnce()
    {
        await using var origin = new ListeningOrigin(answerAtOnce: true);
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);
        using Connection client = await Connection.OpenAsync(proxy);
        var clock = Stopwatch.StartNew();

        await client.SendAsync("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n" + new string('z', 4096));
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(413, response.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task EveryResponse_CarriesADate_ForwardedAndOwn()
    {
        await using var origin = new ScriptedOrigin(exchange => exchange.Connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url],
            routers: [new Engine.Core.Configuration.RouterConfig("only", "Host(`known`)", "origin")]);
        using Connection client = await Connection.OpenAsync(proxy);

        await client.SendAsync("GET / HTTP/1.1\r\nHost: known\r\n\r\nGET / HTTP/1.1\r\nHost: unknown\r\n\r\n");
        RawMessage forwarded = (await client.Reader.ReadResponseAsync())!;
        RawMessage own = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(200, forwarded.Status);
        Assert.Equal(404, own.Status);
        Assert.NotNull(forwarded.Header("Date"));
        Assert.NotNull(own.Header("Date"));
    }

    [Fact]
    public async Task ListContentLength_ReachesTheOriginAsOneValue()
    {
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(exchange =>
        {
            seen = exchange.Request;
            return exchange.RespondAsync(200, "ok");
        });
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);
        using Connection client = await Connection.OpenAsync(proxy);

        await client.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello");
        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);

        Assert.Equal(["5"], seen!.HeaderValues("Content-Length"));
        Assert.Equal("hello", seen.BodyText);
    }

    [Fact]
    public async Task Connect_Is501()
    {
        await using var origin = ScriptedOrigin.Fixed("ok");
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);
        using Connection client = await Connection.OpenAsync(proxy);

        await client.SendAsync("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");

        Assert.Equal(501, (await client.Reader.ReadResponseAsync())!.Status);
        Assert.Equal(0, origin.Requests);
    }

    [Fact]
    public async Task KeepAliveTimeout_EndsTheConnectionWithAFin_NotAReset()
    {
        await using var origin = ScriptedOrigin.Fixed("ok");
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url],
            entrypoint: e => e with { Timeouts = e.Timeouts with { KeepAliveTimeout = TimeSpan.FromSeconds(1) } });
        using Connection client = await Connection.OpenAsync(proxy);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("ok", (await client.Reader.ReadResponseAsync())!.BodyText);

        // A read that returns 0 is a FIN; a reset would throw (ECONNRESET).
        int read = await client.Stream.ReadAsync(new byte[16]).AsTask().WaitAsync(s_patience);

        Assert.Equal(0, read);
    }

    /// <summary>A raw TCP client to the gateway's entrypoint.</summary>
    private sealed class Connection : IDisposable
    {
        private readonly TcpClient _client;

        private Connection(TcpClient client)
        {
            _client = client;
            Stream = client.GetStream();
            Reader = new RawHttpReader(Stream);
        }

        public NetworkStream Stream { get; }

        public RawHttpReader Reader { get; }

        public static async Task<Connection> OpenAsync(ProxyHarness proxy)
        {
            var client = new TcpClient { NoDelay = true };
            await client.ConnectAsync(proxy.EndPoint);
            return new Connection(client);
        }

        public Task SendAsync(string text) => Stream.WriteAsync(Encoding.Latin1.GetBytes(text)).AsTask();

        /// <summary>Sends unless the proxy has closed the connection already.</summary>
        public async Task TrySendAsync(string text)
        {
            try
            {
                await SendAsync(text);
            }
            catch (IOException)
            {
            }
        }

        public void Dispose() => _client.Dispose();
    }
}
