using System.Net;
using Engine.Core.Configuration;
using Engine.Host.Tests.Metrics;
using Engine.Http.Middlewares;
using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Middlewares;

/// <summary>
/// Middleware chains end to end through a real gateway on loopback: a router with
/// <c>middlewares = ["h", "strip", "add"]</c> (headers, strip-prefix <c>/api</c>, add-prefix
/// <c>/v2</c>), the entrypoint's default middlewares in front of it, what the origin receives and
/// what the client gets back, and the per-middleware counters.
/// </summary>
public sealed class MiddlewareChainTests
{
    private static readonly MiddlewareConfig[] s_middlewares =
    [
        new("h", "headers")
        {
            Options = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["request_headers"] = Table(("X-Env", "prod"), ("User-Agent", "engine-chain"), ("X-Drop", "")),
                ["add_request_headers"] = Table(("X-Chain", "router")),
                ["remove_request_headers"] = new List<object> { "X-Secret" },
                ["response_headers"] = Table(("X-Frame-Options", "DENY"), ("Server", ""), ("X-Layer", "router")),
                ["add_response_headers"] = Table(("X-Via", "router")),
                ["remove_response_headers"] = new List<object> { "X-Powered-By" },
            },
        },
        new("strip", "strip-prefix") { Options = Options(("prefixes", new List<object> { "/api" })) },
        new("add", "add-prefix") { Options = Options(("prefix", "/v2")) },
        // The entrypoint's defaults: they run before every router's chain.
        new("edge", "headers")
        {
            Options = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["request_headers"] = Table(("X-Env", "edge")),
                ["add_request_headers"] = Table(("X-Chain", "entrypoint")),
                ["response_headers"] = Table(("X-Layer", "entrypoint")),
                ["add_response_headers"] = Table(("X-Via", "entrypoint")),
            },
        },
        new("edge-strip", "strip-prefix") { Options = Options(("prefixes", new List<object> { "/edge" })) },
    ];

    [Fact]
    public async Task Chain_StripsAndAddsPrefix_AppliesRequestEdits_AndTheClientGetsTheResponseEdits()
    {
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            seen = exchange.Request;
            await exchange.RespondAsync(200, "users", "Server: origin/1.0\r\nX-Powered-By: php\r\nX-Frame-Options: SAMEORIGIN\r\nX-Upstream: yes\r\n");
        });
        await using Gateway gateway = await StartAsync(origin, Router("chain", ["h", "strip", "add"]));
        await using RawConnection client = await RawConnection.OpenAsync(gateway.EndPointOf("web"));

        await client.SendAsync("GET /api/users?x=1 HTTP/1.1\r\nHost: app.test\r\nUser-Agent: curl/8.5.0\r\nX-Secret: s3cr3t\r\nX-Drop: d\r\nX-Keep: k\r\n\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal("GET /v2/users?x=1 HTTP/1.1", seen!.StartLine);
        Assert.Equal(["prod"], seen.HeaderValues("X-Env"));
        Assert.Equal(["engine-chain"], seen.HeaderValues("User-Agent"));
        Assert.Empty(seen.HeaderValues("X-Secret"));
        Assert.Empty(seen.HeaderValues("X-Drop"));
        Assert.Equal(["router"], seen.HeaderValues("X-Chain"));
        Assert.Equal(["/api"], seen.HeaderValues("X-Forwarded-Prefix"));
        Assert.Equal("k", seen.Header("X-Keep"));
        Assert.Equal("app.test", seen.Header("Host"));

        Assert.Equal(200, response.Status);
        Assert.Equal("users", response.BodyText);
        Assert.Equal(["DENY"], response.HeaderValues("X-Frame-Options"));
        Assert.Empty(response.HeaderValues("Server"));
        Assert.Empty(response.HeaderValues("X-Powered-By"));
        Assert.Equal(["router"], response.HeaderValues("X-Via"));
        Assert.Equal(["router"], response.HeaderValues("X-Layer"));
        Assert.Equal("yes", response.Header("X-Upstream"));
        Assert.Equal("5", response.Header("Content-Length"));

        // The connection carries the next request through the same chain.
        await client.SendAsync("GET /api/users/7 HTTP/1.1\r\nHost: app.test\r\n\r\n");
        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);
        Assert.Equal("GET /v2/users/7 HTTP/1.1", seen.StartLine);
    }

    [Fact]
    public async Task Set_ReplacesClientFieldsOfThatNameCaseInsensitively_UntouchedFieldsKeepCaseAndOrder()
    {
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            seen = exchange.Request;
            await exchange.RespondAsync(200, "ok");
        });
        await using Gateway gateway = await StartAsync(origin, Router("chain", ["h", "strip", "add"]));
        await using RawConnection client = await RawConnection.OpenAsync(gateway.EndPointOf("web"));

        await client.SendAsync("GET /api/p HTTP/1.1\r\nhost: example.test\r\nX-b: 2\r\nx-ENV: client\r\nx-A: 1\r\nX-ENV: again\r\nuser-agent: raw\r\nx-b: 3\r\n\r\n");
        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);

        // The client's fields that no edit names go out first, in their order and spelling.
        Assert.Equal(["host", "X-b", "x-A", "x-b"], seen!.Headers.Take(4).Select(h => h.Key));
        Assert.Equal(["2", "3"], seen.HeaderValues("x-b"));
        // A Set drops every field of that name, whatever its case, and adds one in the config's spelling.
        Assert.Equal([new KeyValuePair<string, string>("X-Env", "prod")], seen.Headers.Where(h => h.Key.Equals("x-env", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal([new KeyValuePair<string, string>("User-Agent", "engine-chain")], seen.Headers.Where(h => h.Key.Equals("user-agent", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task EmptyRequestHeaderValue_RemovesTheFieldInEveryCase_AndAddsNothing()
    {
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            seen = exchange.Request;
            await exchange.RespondAsync(200, "ok");
        });
        await using Gateway gateway = await StartAsync(origin, Router("chain", ["h"]));
        await using RawConnection client = await RawConnection.OpenAsync(gateway.EndPointOf("web"));

        await client.SendAsync("GET /x HTTP/1.1\r\nHost: a\r\nx-drop: 1\r\nX-Other: o\r\nX-DROP: 2\r\n\r\n");
        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);

        Assert.Empty(seen!.HeaderValues("X-Drop"));
        Assert.Equal("o", seen.Header("X-Other"));
        Assert.Equal("GET /x HTTP/1.1", seen.StartLine);
    }

    [Theory]
    [InlineData("/api/users?x=1", "/v2/users?x=1", "/api")]
    [InlineData("/api", "/v2/", "/api")]
    [InlineData("/api/", "/v2/", "/api")]
    [InlineData("/api?x=1", "/v2/?x=1", "/api")]
    [InlineData("/apiary", "/v2/apiary", null)]
    [InlineData("/apiary/x?y", "/v2/apiary/x?y", null)]
    [InlineData("/", "/v2/", null)]
    [InlineData("/other/api", "/v2/other/api", null)]
    public async Task StripThenAddPrefix_RewritesOnlyAtASegmentBoundary(string sent, string expected, string? forwardedPrefix)
    {
        RawMessage seen = await ProxyOneAsync(Router("chain", ["strip", "add"]), $"GET {sent} HTTP/1.1\r\nHost: a\r\n\r\n");

        Assert.Equal($"GET {expected} HTTP/1.1", seen.StartLine);
        Assert.Equal(forwardedPrefix is null ? [] : [forwardedPrefix], seen.HeaderValues("X-Forwarded-Prefix"));
    }

    [Theory]
    [InlineData("/api", "/")]
    [InlineData("/api/", "/")]
    [InlineData("/api?q=1", "/?q=1")]
    [InlineData("/api/users", "/users")]
    [InlineData("/apiary", "/apiary")]
    public async Task StripPrefix_Alone_LeavesARootPath(string sent, string expected)
    {
        RawMessage seen = await ProxyOneAsync(Router("strip-only", ["strip"]), $"GET {sent} HTTP/1.1\r\nHost: a\r\n\r\n");

        Assert.Equal($"GET {expected} HTTP/1.1", seen.StartLine);
    }

    [Fact]
    public async Task StripPrefix_ReplacesAClientSentForwardedPrefix_OnlyWhenItStrips()
    {
        RawMessage stripped = await ProxyOneAsync(Router("chain", ["strip"]), "GET /api/x HTTP/1.1\r\nHost: a\r\nx-forwarded-prefix: /forged\r\n\r\n");
        Assert.Equal(["/api"], stripped.HeaderValues("X-Forwarded-Prefix"));

        RawMessage untouched = await ProxyOneAsync(Router("chain", ["strip"]), "GET /apiary HTTP/1.1\r\nHost: a\r\nx-forwarded-prefix: /kept\r\n\r\n");
        Assert.Equal(["/kept"], untouched.HeaderValues("X-Forwarded-Prefix"));
    }

    [Fact]
    public async Task AbsoluteFormTarget_IsRewrittenLikeAnOriginFormOne()
    {
        RawMessage seen = await ProxyOneAsync(Router("chain", ["h", "strip", "add"]), "GET http://app.example:81/api/users?x=1 HTTP/1.1\r\nHost: ignored\r\n\r\n");

        Assert.Equal("GET /v2/users?x=1 HTTP/1.1", seen.StartLine);
        Assert.Equal("app.example:81", seen.Header("Host"));
        Assert.Equal(["/api"], seen.HeaderValues("X-Forwarded-Prefix"));
    }

    [Fact]
    public async Task EntrypointMiddlewares_RunBeforeTheRouters_AndTheirResponseEditsUnwindLast()
    {
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            seen = exchange.Request;
            await exchange.RespondAsync(200, "ok");
        });
        await using Gateway gateway = await StartAsync(origin, Router("chain", ["h", "strip", "add"]), entrypointMiddlewares: ["edge-strip", "edge"]);
        await using RawConnection client = await RawConnection.OpenAsync(gateway.EndPointOf("web"));

        await client.SendAsync("GET /edge/api/users HTTP/1.1\r\nHost: a\r\n\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        // "/edge" goes first, so the router's "/api" then matches: the order is edge-strip, edge, h, strip, add.
        Assert.Equal("GET /v2/users HTTP/1.1", seen!.StartLine);
        // Appends go out in chain order; of two Sets of one name, the later middleware's wins.
        Assert.Equal(["entrypoint", "router"], seen.HeaderValues("X-Chain"));
        Assert.Equal(["prod"], seen.HeaderValues("X-Env"));
        // The response unwinds the chain: the router's edits first, the entrypoint's last (so its Set wins).
        Assert.Equal(["router", "entrypoint"], response.HeaderValues("X-Via"));
        Assert.Equal(["entrypoint"], response.HeaderValues("X-Layer"));
        Assert.Equal(["DENY"], response.HeaderValues("X-Frame-Options"));
    }

    [Fact]
    public async Task MiddlewareMetrics_CountEveryRequestThatEntersTheChain_AndTheExporterWritesThem()
    {
        await using var origin = ScriptedOrigin.Fixed("ok");
        RouterConfig chain = Router("chain", ["h", "strip", "add"]) with { Rule = "PathPrefix(`/api`)" };
        RouterConfig plain = new("plain", "PathPrefix(`/plain`)", "origin") { Middlewares = ["strip"] };
        await using Gateway gateway = await StartAsync(origin, [chain, plain], entrypointMiddlewares: ["edge"]);
        await using RawConnection client = await RawConnection.OpenAsync(gateway.EndPointOf("web"));

        for (int i = 0; i < 3; i++)
        {
            await client.SendAsync($"GET /api/{i} HTTP/1.1\r\nHost: a\r\n\r\n");
            Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);
        }
        await client.SendAsync("GET /plain HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);
        // No router matches: no chain, nothing counted.
        await client.SendAsync("GET /nowhere HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(404, (await client.Reader.ReadResponseAsync())!.Status);

        Assert.Equal(4, gateway.Metrics.ForMiddleware("edge", "headers").Requests);
        Assert.Equal(3, gateway.Metrics.ForMiddleware("h", "headers").Requests);
        Assert.Equal(4, gateway.Metrics.ForMiddleware("strip", "strip-prefix").Requests);
        Assert.Equal(3, gateway.Metrics.ForMiddleware("add", "add-prefix").Requests);
        Assert.All(gateway.Metrics.Middlewares, m => Assert.Equal(0, m.Answered));

        string[] lines = GatewayMetricsExporterTests.Export(gateway.Metrics);
        Assert.Contains("engine_middleware_requests_total{middleware=\"add\",type=\"add-prefix\"} 3", lines);
        Assert.Contains("engine_middleware_requests_total{middleware=\"edge\",type=\"headers\"} 4", lines);
        Assert.Contains("engine_middleware_requests_total{middleware=\"h\",type=\"headers\"} 3", lines);
        Assert.Contains("engine_middleware_requests_total{middleware=\"strip\",type=\"strip-prefix\"} 4", lines);
        Assert.Contains("engine_middleware_answered_total{middleware=\"strip\",type=\"strip-prefix\"} 0", lines);
    }

    [Fact]
    public async Task Curl_SeesTheResponseEdits_AndTheOriginSeesTheRewrittenPath()
    {
        Assert.True(TestTools.EnsurePackage("curl", "/usr/bin/curl") == null, "curl is required (Debian package 'curl'), and it could not be installed.");
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            seen = exchange.Request;
            await exchange.RespondAsync(200, "hello from v2\n", "Server: origin/1.0\r\nX-Powered-By: php\r\n");
        });
        await using Gateway gateway = await StartAsync(origin, Router("chain", ["h", "strip", "add"]));
        IPEndPoint endPoint = gateway.EndPointOf("web");

        (int exit, string stdout, string stderr) = await TestTools.CurlAsync($"-v -H \"X-Secret: s3cr3t\" \"http://{endPoint}/api/users?x=1\"");

        Assert.True(exit == 0, stderr);
        Assert.Equal("hello from v2\n", stdout);
        // curl -v prints the response head it received, one "< " line per field.
        Assert.Contains("< X-Frame-Options: DENY", stderr, StringComparison.Ordinal);
        Assert.Contains("< X-Via: router", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("< Server:", stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("< X-Powered-By:", stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("GET /v2/users?x=1 HTTP/1.1", seen!.StartLine);
        Assert.Equal("/api", seen.Header("X-Forwarded-Prefix"));
        Assert.Equal("prod", seen.Header("X-Env"));
        Assert.Null(seen.Header("X-Secret"));
        Assert.Equal("engine-chain", seen.Header("User-Agent"));
    }

    [Theory]
    [InlineData("request_headers", "Content-Length", "0")]
    [InlineData("request_headers", "transfer-encoding", "chunked")]
    [InlineData("add_response_headers", "Content-Length", "2")]
    [InlineData("response_headers", "Connection", "close")]
    public async Task HeadersMiddleware_NamingAFramingField_IsRefusedBeforeAnythingListens(string key, string name, string value)
    {
        // Unchecked, request_headers { Content-Length = "0" } on "POST /a" with a 5-byte body made
        // the origin read the body as the start of the next request: smuggling by config.
        await using var origin = ScriptedOrigin.Fixed();
        MiddlewareConfig framing = new("h", "headers") { Options = Options((key, Table((name, value)))) };

        var error = await Assert.ThrowsAsync<GatewayConfigException>(() => StartAsync(origin, [Router("chain", ["h"])], middlewares: [framing]));

        ConfigProblem problem = Assert.Single(error.Problems);
        Assert.Equal($"middlewares.h.{key}.{name}", problem.KeyPath);
        Assert.Contains("framing", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("request_headers", "Host", "middlewares.h.request_headers.Host")]
    [InlineData("remove_request_headers", "host", "middlewares.h.remove_request_headers[0]")]
    public async Task HeadersMiddleware_RemovingTheRequestHost_IsRefused(string key, string name, string keyPath)
    {
        await using var origin = ScriptedOrigin.Fixed();
        object option = key.StartsWith("remove_", StringComparison.Ordinal) ? new List<object> { name } : Table((name, ""));
        MiddlewareConfig removeHost = new("h", "headers") { Options = Options((key, option)) };

        var error = await Assert.ThrowsAsync<GatewayConfigException>(() => StartAsync(origin, [Router("chain", ["h"])], middlewares: [removeHost]));

        ConfigProblem problem = Assert.Single(error.Problems);
        Assert.Equal(keyPath, problem.KeyPath);
        Assert.Contains("must carry Host", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeadersMiddleware_SettingHost_ReplacesTheClientsHostUpstream_AndRemovingItFromResponsesIsFine()
    {
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            seen = exchange.Request;
            await exchange.RespondAsync(200, "ok", "Host: odd-but-harmless\r\n");
        });
        MiddlewareConfig host = new("h", "headers")
        {
            Options = Options(("request_headers", Table(("Host", "internal.svc"))), ("remove_response_headers", new List<object> { "Host" })),
        };
        await using Gateway gateway = await StartAsync(origin, [Router("chain", ["h"])], middlewares: [host]);
        await using RawConnection client = await RawConnection.OpenAsync(gateway.EndPointOf("web"));

        await client.SendAsync("GET / HTTP/1.1\r\nhost: public.example\r\n\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(["internal.svc"], seen!.HeaderValues("Host"));
        Assert.Equal("public.example", seen.Header("X-Forwarded-Host"));
        Assert.Empty(response.HeaderValues("Host"));
    }

    [Fact]
    public async Task ProxyErrorOnARoutedRequest_CarriesTheChainsResponseEdits()
    {
        // Nothing listens on port 1: the connect is refused and the proxy answers 502 itself.
        var config = new GatewayConfig
        {
            Entrypoints = [new EntrypointConfig("web", "127.0.0.1:0") { Middlewares = ["edge"] }],
            Services = [new ServiceConfig("origin", [new DestinationConfig("http://127.0.0.1:1")])],
            Routers = [Router("chain", ["h"])],
            Middlewares = s_middlewares,
            DrainTimeout = TimeSpan.FromSeconds(5),
        };
        await using var gateway = new Gateway(config);
        await gateway.StartAsync();
        await using RawConnection client = await RawConnection.OpenAsync(gateway.EndPointOf("web"));

        await client.SendAsync("GET /api/x HTTP/1.1\r\nHost: app.test\r\n\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(502, response.Status);
        Assert.Equal(["DENY"], response.HeaderValues("X-Frame-Options"));
        Assert.Equal(["router", "entrypoint"], response.HeaderValues("X-Via"));
        Assert.Equal(["entrypoint"], response.HeaderValues("X-Layer"));
        Assert.Equal("text/plain; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal("16", response.Header("Content-Length"));
        Assert.StartsWith("502 Bad Gateway", response.BodyText, StringComparison.Ordinal);
    }

    private static RouterConfig Router(string name, IReadOnlyList<string> middlewares) =>
        RouterConfig.CatchAll(name, "origin") with { Middlewares = middlewares };

    private static Task<Gateway> StartAsync(ScriptedOrigin origin, RouterConfig router, IReadOnlyList<string>? entrypointMiddlewares = null) =>
        StartAsync(origin, [router], entrypointMiddlewares);

    /// <summary>A gateway on 127.0.0.1 ("web", a free port) with every middleware above (or <paramref name="middlewares"/>), in front of <paramref name="origin"/>.</summary>
    private static async Task<Gateway> StartAsync(ScriptedOrigin origin, IReadOnlyList<RouterConfig> routers, IReadOnlyList<string>? entrypointMiddlewares = null, IReadOnlyList<MiddlewareConfig>? middlewares = null)
    {
        var config = new GatewayConfig
        {
            Entrypoints = [new EntrypointConfig("web", "127.0.0.1:0") { Middlewares = entrypointMiddlewares ?? [] }],
            Services = [new ServiceConfig("origin", [new DestinationConfig(origin.Url)])],
            Routers = routers,
            Middlewares = middlewares ?? s_middlewares,
            DrainTimeout = TimeSpan.FromSeconds(5),
        };
        var gateway = new Gateway(config);
        await gateway.StartAsync();
        return gateway;
    }

    /// <summary>Sends one raw request through a gateway with <paramref name="router"/>; returns what the origin received.</summary>
    private static async Task<RawMessage> ProxyOneAsync(RouterConfig router, string request)
    {
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            seen = exchange.Request;
            await exchange.RespondAsync(200, "ok");
        });
        await using Gateway gateway = await StartAsync(origin, router);
        await using RawConnection client = await RawConnection.OpenAsync(gateway.EndPointOf("web"));
        await client.SendAsync(request);
        RawMessage? response = await client.Reader.ReadResponseAsync();
        Assert.Equal(200, response?.Status);
        return seen!;
    }

    private static Dictionary<string, object> Options(params (string Key, object Value)[] options) =>
        options.ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);

    private static Dictionary<string, object> Table(params (string Name, string Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => (object)f.Value, StringComparer.Ordinal);
}
