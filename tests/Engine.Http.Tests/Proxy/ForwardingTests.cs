using System.Text;
using Engine.TestSupport.Net;

namespace Engine.Http.Tests.Proxy;

/// <summary>
/// Forwarding as the client sees it, over an in-memory connection to the proxy (the origins are
/// scripted sockets on loopback). Forwarding with curl and nginx: Engine.Host.Tests/Proxy/ForwardingTests.
/// </summary>
public sealed class ForwardingTests
{
    [Fact]
    public async Task Forwarding_KeepsHeaderOrderAndNameCase()
    {
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            seen = exchange.Request;
            await exchange.RespondAsync(200, "ok");
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("GET /p?q=1 HTTP/1.1\r\nhost: example.test\r\nX-b: 2\r\nx-A: 1\r\nx-b: 3\r\n\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(200, response.Status);
        Assert.Equal("GET /p?q=1 HTTP/1.1", seen!.StartLine);
        Assert.Equal(["host", "X-b", "x-A", "x-b"], seen.Headers.Take(4).Select(h => h.Key));
        Assert.Equal(["2", "3"], seen.HeaderValues("x-b"));
    }

    [Fact]
    public async Task AbsoluteFormTarget_IsForwardedInOriginForm_WithItsAuthorityAsHost()
    {
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            seen = exchange.Request;
            await exchange.RespondAsync(200, "ok");
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("GET http://app.example:81/a/b?c=d HTTP/1.1\r\nHost: ignored.example\r\n\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(200, response.Status);
        Assert.Equal("GET /a/b?c=d HTTP/1.1", seen!.StartLine);
        Assert.Equal("app.example:81", seen.Header("Host"));
        Assert.Single(seen.HeaderValues("Host"));
    }

    [Fact]
    public async Task Http10Client_GetsKeepAliveOnlyWhenAsked_AndNoChunkedFraming()
    {
        await using var origin = new ScriptedOrigin(exchange =>
            exchange.Connection.WriteAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);

        await using (InMemoryClient client = proxy.Connect())
        {
            await client.SendAsync("GET / HTTP/1.0\r\n\r\n");
            RawMessage response = (await client.Reader.ReadResponseAsync())!;
            Assert.Equal("hello", response.BodyText);
            Assert.Null(response.Header("Transfer-Encoding"));
            Assert.True(await client.Reader.IsClosedAsync(TimeSpan.FromSeconds(5)));
        }
    }

    [Fact]
    public async Task Http10Client_WithKeepAlive_KeepsTheConnectionForContentLengthResponses()
    {
        await using var origin = ScriptedOrigin.Fixed("hi");
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();

        for (int i = 0; i < 3; i++)
        {
            await client.SendAsync("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            RawMessage response = (await client.Reader.ReadResponseAsync())!;
            Assert.Equal("hi", response.BodyText);
            Assert.Equal("keep-alive", response.Header("Connection"));
        }
    }

    [Fact]
    public async Task PipelinedRequests_AreAnsweredInOrder_OnOneConnection()
    {
        await using var origin = new ScriptedOrigin(exchange => exchange.RespondAsync(200, exchange.Request.Target));
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();

        var batch = new StringBuilder();
        for (int i = 0; i < 20; i++)
        {
            batch.Append($"GET /r{i} HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        await client.SendAsync(batch.ToString());

        for (int i = 0; i < 20; i++)
        {
            RawMessage response = (await client.Reader.ReadResponseAsync())!;
            Assert.Equal($"/r{i}", response.BodyText);
        }
    }

    [Fact]
    public async Task HeadAnd204And304_AreRelayedWithoutABody_AndTheConnectionStaysUsable()
    {
        await using var origin = new ScriptedOrigin(exchange => exchange.Request.Target switch
        {
            "/head" => exchange.Connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"),
            "/204" => exchange.Connection.WriteAsync("HTTP/1.1 204 No Content\r\n\r\n"),
            "/304" => exchange.Connection.WriteAsync("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n"),
            _ => exchange.RespondAsync(200, "after"),
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("HEAD /head HTTP/1.1\r\nHost: x\r\n\r\n");
        RawMessage head = (await client.Reader.ReadResponseAsync(noBody: true))!;
        Assert.Equal("1000", head.Header("Content-Length"));
        await client.SendAsync("GET /204 HTTP/1.1\r\nHost: x\r\n\r\nGET /304 HTTP/1.1\r\nHost: x\r\n\r\nGET /last HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(204, (await client.Reader.ReadResponseAsync())!.Status);
        Assert.Equal(304, (await client.Reader.ReadResponseAsync())!.Status);
        Assert.Equal("after", (await client.Reader.ReadResponseAsync())!.BodyText);
    }

    [Fact]
    public async Task ExpectContinue_ProxyAnswers100_ThenForwardsTheBodyWithoutTheExpectation()
    {
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            seen = exchange.Request;
            await exchange.RespondAsync(200, exchange.Request.BodyText);
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        Assert.Equal("HTTP/1.1 100 Continue", await client.Reader.ReadLineAsync());
        Assert.Equal("", await client.Reader.ReadLineAsync());
        await client.SendAsync("hello");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal("hello", response.BodyText);
        Assert.Null(seen!.Header("Expect"));
    }

    [Fact]
    public async Task RoundRobin_AlternatesBetweenDestinations()
    {
        await using var first = ScriptedOrigin.Fixed("a");
        await using var second = ScriptedOrigin.Fixed("b");
        await using InMemoryProxy proxy = InMemoryProxy.Start([first.Url, second.Url]);
        await using InMemoryClient client = proxy.Connect();

        var bodies = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            bodies.Add((await client.Reader.ReadResponseAsync())!.BodyText);
        }

        Assert.Equal(3, bodies.Count(b => b == "a"));
        Assert.Equal(3, bodies.Count(b => b == "b"));
        Assert.All(bodies.Zip(bodies.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Fact]
    public async Task KeepAliveRequests_ReuseOnePooledUpstreamConnection()
    {
        await using var origin = ScriptedOrigin.Fixed();
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);

        for (int i = 0; i < 5; i++)
        {
            await using InMemoryClient client = proxy.Connect();
            await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);
        }

        Assert.Equal(5, origin.Requests);
        Assert.Equal(1, origin.Connections);
    }

    [Fact]
    public async Task UnknownHost_Gets404_FromTheRouteTable()
    {
        await using var origin = ScriptedOrigin.Fixed("api");
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            routers: [new Core.Configuration.RouterConfig("api", "Host(`api.example`) && PathPrefix(`/v1`)", "origin")]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("GET /v1/x HTTP/1.1\r\nHost: API.example:8080\r\n\r\n");
        Assert.Equal("api", (await client.Reader.ReadResponseAsync())!.BodyText);
        await client.SendAsync("GET /v2/x HTTP/1.1\r\nHost: api.example\r\n\r\n");
        Assert.Equal(404, (await client.Reader.ReadResponseAsync())!.Status);
        await client.SendAsync("GET /v1/x HTTP/1.1\r\nHost: other.example\r\n\r\n");
        Assert.Equal(404, (await client.Reader.ReadResponseAsync())!.Status);
    }
}
