using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Engine.Core.Configuration;
using Engine.Host.Admin;
using Engine.Host.Tests.Proxy;
using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Admin;

/// <summary>Middlewares through the admin API's JSON: the shape GET writes, what PUT reads, and what a gateway does with them.</summary>
public sealed class AdminMiddlewareTests
{
    private static GatewayConfig ConfigWithMiddlewares() => new()
    {
        Entrypoints = [new EntrypointConfig("web", "127.0.0.1:18000") { Middlewares = ["h"] }],
        Routers = [new RouterConfig("app", "PathPrefix(`/`)", "app") { Middlewares = ["strip", "add"] }],
        Services = [new ServiceConfig("app", [new DestinationConfig("http://127.0.0.1:18001")])],
        Middlewares =
        [
            new MiddlewareConfig("h", "headers")
            {
                Options = new OrderedDictionary<string, object>
                {
                    ["request_headers"] = new OrderedDictionary<string, object> { ["X-Zone"] = "b", ["X-Env"] = "prod", ["Authorization"] = "" },
                    ["remove_response_headers"] = new List<object> { "Server" },
                },
            },
            new MiddlewareConfig("strip", "strip-prefix") { Options = new OrderedDictionary<string, object> { ["prefixes"] = new List<object> { "/api", "/v1" } } },
            new MiddlewareConfig("add", "add-prefix") { Options = new OrderedDictionary<string, object> { ["prefix"] = "/v2" } },
        ],
    };

    [Fact]
    public void SerializeConfig_WritesEachMiddlewareAsNameTypeAndItsKeys_InOrder()
    {
        JsonNode json = JsonNode.Parse(AdminJson.SerializeConfig(ConfigWithMiddlewares()))!;

        Assert.Equal("""
            [
              {
                "name": "h",
                "type": "headers",
                "request_headers": {
                  "X-Zone": "b",
                  "X-Env": "prod",
                  "Authorization": ""
                },
                "remove_response_headers": [
                  "Server"
                ]
              },
              {
                "name": "strip",
                "type": "strip-prefix",
                "prefixes": [
                  "/api",
                  "/v1"
                ]
              },
              {
                "name": "add",
                "type": "add-prefix",
                "prefix": "/v2"
              }
            ]
            """, json["middlewares"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n"));
        Assert.Equal("""["h"]""", json["entrypoints"]![0]!["middlewares"]!.ToJsonString());
        Assert.Equal("""["strip","add"]""", json["routers"]![0]!["middlewares"]!.ToJsonString());
    }

    [Fact]
    public void ReadConfig_WhatGetWrote_GivesBackTheSameMiddlewaresAndChains()
    {
        GatewayConfig original = ConfigWithMiddlewares();
        string json = AdminJson.SerializeConfig(original);

        Assert.True(AdminJson.TryReadConfig(Encoding.UTF8.GetBytes(json), out GatewayConfig? read, out string? error), error);

        Assert.Equal(json, AdminJson.SerializeConfig(read));
        Assert.Equal(["h"], read.Entrypoints[0].Middlewares);
        Assert.Equal(["strip", "add"], read.Routers[0].Middlewares);
        var headers = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(read.Middlewares[0].Options["request_headers"]);
        Assert.Equal(["X-Zone", "X-Env", "Authorization"], headers.Keys);
        Assert.Empty(Engine.Http.Middlewares.MiddlewareRegistry.Default.Validate(read));
        Assert.Empty(GatewayConfigValidator.Validate(read));
    }

    [Fact]
    public void ReadConfig_OptionValues_BecomeTheSamePlainValuesAsFromToml()
    {
        const string Json = """
            { "middlewares": [{ "name": "any", "type": "whatever", "count": 3, "ratio": 0.5, "big": 1e300, "on": false,
                                "list": [1, "two", [3.5]], "table": { "b": 1, "a": { "c": "d" } } }] }
            """;

        Assert.True(AdminJson.TryReadConfig(Encoding.UTF8.GetBytes(Json), out GatewayConfig? read, out string? error), error);

        IReadOnlyDictionary<string, object> options = Assert.Single(read.Middlewares).Options;
        Assert.Equal(["count", "ratio", "big", "on", "list", "table"], options.Keys);
        Assert.Equal(3L, options["count"]);
        Assert.Equal(0.5, options["ratio"]);
        Assert.Equal(1e300, options["big"]);
        Assert.False(Assert.IsType<bool>(options["on"]));
        var list = Assert.IsAssignableFrom<IReadOnlyList<object>>(options["list"]);
        Assert.Equal(1L, list[0]);
        Assert.Equal("two", list[1]);
        Assert.Equal([3.5], Assert.IsAssignableFrom<IReadOnlyList<object>>(list[2]));
        var table = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(options["table"]);
        Assert.Equal(["b", "a"], table.Keys);
        Assert.Equal("d", Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(table["a"])["c"]);
    }

    [Theory]
    [InlineData("""{ "name": "h", "type": "headers", "request_headers": { "X-Env": null } }""",
        "line 1, byte 87 ($.middlewares[0].request_headers.X-Env): null is not a value here; leave the key out instead.")]
    [InlineData("""{ "name": "h", "request_headers": {} }""",
        "line 1, byte 57 ($.middlewares[0]): a middleware needs \"name\" and \"type\"; missing: \"type\".")]
    [InlineData("""{ "name": "h", "type": 3 }""",
        "line 1, byte 43 ($.middlewares[0].type): expected a string, found a number.")]
    [InlineData("""{ "name": "h", "type": "add-prefix", "prefix": "/a", "prefix": "/b" }""",
        "line 1, byte 72: the key 'prefix' appears twice in one object.")]
    [InlineData("\"h\"",
        "line 1, byte 22 ($.middlewares[0]): a middleware must be an object ({\"name\": ..., \"type\": ..., and its type's keys}), found a string.")]
    public void ReadConfig_BadMiddleware_IsRefusedSayingWhereAndWhat(string middleware, string expected)
    {
        string json = $$"""{ "middlewares": [{{middleware}}] }""";

        Assert.False(AdminJson.TryReadConfig(Encoding.UTF8.GetBytes(json), out _, out string? error));

        Assert.Equal(expected, error);
    }

    [Fact]
    public async Task PutConfig_WithAChainOfAllThreeTypes_IsAppliedAndGetShowsItBack()
    {
        await using var origin = new ScriptedOrigin(exchange =>
            exchange.RespondAsync(200, $"{exchange.Request.Target} {exchange.Request.Header("X-Env")} {exchange.Request.Header("X-Forwarded-Prefix")}", "X-Powered-By: test\r\n"));
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url], admin: new AdminConfig { Address = "127.0.0.1:0" });
        string admin = $"http://{proxy.Gateway.AdminEndPoint}";
        using var client = new HttpClient();
        JsonNode config = JsonNode.Parse(await client.GetStringAsync($"{admin}/api/gateway/config"))!;
        JsonArray middlewares = JsonNode.Parse("""
            [
              { "name": "h", "type": "headers", "request_headers": { "X-Env": "prod" }, "remove_response_headers": ["X-Powered-By"] },
              { "name": "strip", "type": "strip-prefix", "prefixes": ["/api"] },
              { "name": "add", "type": "add-prefix", "prefix": "/v2" }
            ]
            """)!.AsArray();
        config["middlewares"] = middlewares.DeepClone();
        config["routers"]![0]!["middlewares"] = new JsonArray("h", "strip", "add");

        using HttpResponseMessage put = await client.PutAsync($"{admin}/api/gateway/config", new StringContent(config.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        JsonNode shown = JsonNode.Parse(await client.GetStringAsync($"{admin}/api/gateway/config"))!;
        Assert.True(JsonNode.DeepEquals(middlewares, shown["middlewares"]), shown["middlewares"]!.ToJsonString());
        Assert.Equal("""["h","strip","add"]""", shown["routers"]![0]!["middlewares"]!.ToJsonString());
        (_, string response, _) = await TestTools.CurlAsync($"-s -i {proxy.Url}/api/users?q=1");
        Assert.EndsWith("/v2/users?q=1 prod /api", response, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Powered-By", response, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PutConfig_WithBadMiddlewareTypesAndKeys_Is400WithEveryProblem_AndNothingChanges()
    {
        await using var origin = ScriptedOrigin.Fixed("a");
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url], admin: new AdminConfig { Address = "127.0.0.1:0" });
        string admin = $"http://{proxy.Gateway.AdminEndPoint}";
        using var client = new HttpClient();
        JsonNode config = JsonNode.Parse(await client.GetStringAsync($"{admin}/api/gateway/config"))!;
        config["middlewares"] = JsonNode.Parse("""
            [
              { "name": "strip", "type": "strip-prefx", "prefixes": ["/api"] },
              { "name": "h", "type": "headers", "request_header": { "X-Env": "prod" }, "response_headers": { "Bad Name": "x" } }
            ]
            """);
        config["routers"]![0]!["middlewares"] = new JsonArray("strip", "h");

        using HttpResponseMessage put = await client.PutAsync($"{admin}/api/gateway/config", new StringContent(config.ToJsonString(), Encoding.UTF8, "application/json"));
        JsonNode body = JsonNode.Parse(await put.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(
        [
            "middlewares.strip.type: unknown middleware type 'strip-prefx'; did you mean 'strip-prefix'?",
            "middlewares.h.response_headers.Bad Name: 'Bad Name' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only).",
            "middlewares.h.request_header: unknown key for a middleware of type 'headers'; did you mean 'request_headers'?",
        ], body["errors"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(1, proxy.Gateway.SnapshotVersion);
    }

    [Fact]
    public async Task PutConfig_WithADanglingMiddlewareName_Is400SayingWhichNameIsMissing()
    {
        await using var origin = ScriptedOrigin.Fixed("a");
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url], admin: new AdminConfig { Address = "127.0.0.1:0" });
        string admin = $"http://{proxy.Gateway.AdminEndPoint}";
        using var client = new HttpClient();
        JsonNode config = JsonNode.Parse(await client.GetStringAsync($"{admin}/api/gateway/config"))!;
        config["middlewares"] = JsonNode.Parse("""[{ "name": "add", "type": "add-prefix", "prefix": "/v2" }]""");
        config["entrypoints"]![0]!["middlewares"] = new JsonArray("ad");

        using HttpResponseMessage put = await client.PutAsync($"{admin}/api/gateway/config", new StringContent(config.ToJsonString(), Encoding.UTF8, "application/json"));
        JsonNode body = JsonNode.Parse(await put.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(["entrypoints.web.middlewares[0]: no middleware named 'ad'; did you mean 'add'?"], body["errors"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(1, proxy.Gateway.SnapshotVersion);
    }
}
