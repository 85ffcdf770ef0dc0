using System.Net;
using System.Net.Sockets;
using System.Text;
using Engine.TestSupport.Net;

namespace Engine.Http.Tests.Proxy;

/// <summary>
/// What RFC 9110 and 9112 ask of a proxy beyond relaying bytes: a Date on every response, one
/// Content-Length value, canonical field whitespace, no fragment upstream, 501 for CONNECT, and
/// OPTIONS * answered by the proxy itself.
/// </summary>
public sealed class HttpSemanticsTests
{
    [Fact]
    public async Task ForwardedResponse_WithoutDate_GetsOneAdded()
    {
        await using var origin = new ScriptedOrigin(exchange =>
            exchange.Connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        AssertRecentDate(response);
    }

    [Fact]
    public async Task ForwardedResponse_WithDate_KeepsTheOriginsDateOnly()
    {
        await using var origin = new ScriptedOrigin(exchange =>
            exchange.Connection.WriteAsync("HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 2\r\n\r\nok"));
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(["Sun, 06 Nov 1994 08:49:37 GMT"], response.HeaderValues("Date"));
    }

    [Theory]
    [InlineData("GET /nowhere HTTP/1.1\r\nHost: unrouted.example\r\n\r\n", 404)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400)]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 501)]
    public async Task ProxysOwnAnswers_CarryADate(string request, int status)
    {
        await using var origin = ScriptedOrigin.Fixed("ok");
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            routers: [new Engine.Core.Configuration.RouterConfig("only", "Host(`known.example`) || Host(`a`) || Host(`x`)", "origin")]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync(request);
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(status, response.Status);
        AssertRecentDate(response);
    }

    [Fact]
    public async Task Connect_IsAnswered501_CountedAndClosed_WithoutReachingTheOrigin()
    {
        await using var origin = ScriptedOrigin.Fixed("ok");
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(501, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await client.Reader.IsClosedAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, origin.Requests);
        Assert.Equal(1, proxy.Metrics.Rejections(Engine.Http.Http1.RequestRejectionReason.MethodNotImplemented));
    }

    [Fact]
    public async Task OptionsAsterisk_IsAnsweredByTheProxy_AndTheConnectionStaysOpen()
    {
        await using var origin = ScriptedOrigin.Fixed("ok");
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
        RawMessage options = (await client.Reader.ReadResponseAsync())!;
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        RawMessage next = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(200, options.Status);
        Assert.Equal("0", options.Header("Content-Length"));
        Assert.Equal("ok", next.BodyText);
        Assert.Equal(1, origin.Requests);
    }

    [Theory]
    [InlineData("Content-Length: 5, 5\r\n", "Content-Length: 5\r\n")]
    [InlineData("Content-Length: 5\r\ncontent-length: 5\r\n", "Content-Length: 5\r\n")]
    [InlineData("X-Tab:\tvalue\r\nContent-Length: 5\r\n", "X-Tab: value\r\nContent-Length: 5\r\n")]
    [InlineData("X-Spaces:   value  \r\nContent-Length: 5\r\n", "X-Spaces: value\r\nContent-Length: 5\r\n")]
    [InlineData("X-Empty:\r\nX-Empty-Space: \r\nContent-Length: 5\r\n", "X-Empty:\r\nX-Empty-Space:\r\nContent-Length: 5\r\n")]
    public async Task RequestFields_AreForwardedCanonically(string fields, string expected)
    {
        await using var origin = new RawHeadOrigin();
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync($"POST /p HTTP/1.1\r\nHost: x\r\n{fields}\r\nhello");
        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);

        string head = await origin.Head.Task;
        Assert.Contains("\r\n" + expected, head, StringComparison.Ordinal);
        Assert.Equal(1, CountOccurrences(head.ToLowerInvariant(), "content-length:"));
    }

    [Fact]
    public async Task ResponseWithAListContentLength_IsForwardedWithOneValue()
    {
        await using var origin = new ScriptedOrigin(exchange =>
            exchange.Connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nX-Tab:\tt\r\n\r\nok"));
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(["2"], response.HeaderValues("Content-Length"));
        Assert.Equal("ok", response.BodyText);
    }

    [Theory]
    [InlineData("/docs#intro", "/docs")]
    [InlineData("/p?q=1#frag", "/p?q=1")]
    [InlineData("http://x/abs#frag", "/abs")]
    public async Task FragmentInTheTarget_IsNotForwarded(string target, string forwarded)
    {
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(exchange =>
        {
            seen = exchange.Request;
            return exchange.RespondAsync(200, "ok");
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync($"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);

        Assert.Equal(forwarded, seen!.Target);
    }

    private static void AssertRecentDate(RawMessage response)
    {
        string date = Assert.Single(response.HeaderValues("Date"));
        DateTimeOffset parsed = DateTimeOffset.ParseExact(date, "r", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(parsed, DateTimeOffset.UtcNow.AddSeconds(-30), DateTimeOffset.UtcNow.AddSeconds(2));
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    /// <summary>An origin that keeps the exact bytes of the first request head it reads, then answers 200.</summary>
    private sealed class RawHeadOrigin : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _serve;

        public RawHeadOrigin()
        {
            _listener.Start();
            _serve = ServeAsync();
        }

        public TaskCompletionSource<string> Head { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Url => $"http://{_listener.LocalEndpoint}";

        private async Task ServeAsync()
        {
            using TcpClient client = await _listener.AcceptTcpClientAsync();
            NetworkStream stream = client.GetStream();
            var received = new List<byte>();
            var buffer = new byte[4096];
            while (!Encoding.Latin1.GetString([.. received]).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                int read = await stream.ReadAsync(buffer);
                if (read == 0)
                {
                    return;
                }
                received.AddRange(buffer.AsSpan(0, read));
            }
            string text = Encoding.Latin1.GetString([.. received]);
            Head.TrySetResult(text[..(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 2)]);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await _serve;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
            {
            }
        }
    }

    [Fact]
    public async Task ProxysOwnAnswerToHead_HasNoBody_AndThePipelinedNextRequestIsReadCorrectly()
    {
        // Found by the soak: a 502 to HEAD carried its text body, and the next pipelined response was misread.
        using var refused = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        refused.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using InMemoryProxy proxy = InMemoryProxy.Start([$"http://{refused.LocalEndPoint}"]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
        RawMessage head = (await client.Reader.ReadResponseAsync(noBody: true))!;
        RawMessage get = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(502, head.Status);
        Assert.Equal(502, get.Status);
        Assert.Equal("502 Bad Gateway\n", get.BodyText);
    }
}
