using Engine.Core.Configuration;
using Engine.Host.Tests.Proxy;
using Engine.TestSupport.Net;
using Xunit;

namespace Engine.Host.Tests.Routing;

/// <summary>The Traefik rule language end to end: real requests through the proxy to the service a rule names.</summary>
public sealed class ProxyRoutingTests
{
    private static readonly string[] s_names = ["api", "admin", "wild", "regex", "exact", "query", "header", "method", "local", "fallback", "negated"];

    private static async Task<(ProxyHarness Proxy, ScriptedOrigin[] Origins)> StartAsync(params RouterConfig[] routers)
    {
        ScriptedOrigin[] origins = [.. s_names.Select(name => ScriptedOrigin.Fixed(name))];
        ServiceConfig[] services = [.. s_names.Select((name, i) => new ServiceConfig(name, [new DestinationConfig(origins[i].Url)]))];
        ProxyHarness proxy = await ProxyHarness.StartAsync([], services: services, routers: routers);
        return (proxy, origins);
    }

    private static async Task<string> GetAsync(ProxyHarness proxy, string requestHead)
    {
        await using RawConnection client = await RawConnection.OpenAsync(proxy.EndPoint);
        await client.SendAsync(requestHead + "\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;
        return response.Status == 200 ? response.BodyText : response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task EveryMatcher_RoutesRealRequests_ToItsService()
    {
        (ProxyHarness proxy, ScriptedOrigin[] origins) = await StartAsync(
            new RouterConfig("api", "Host(`api.example.com`) && PathPrefix(`/v1`)", "api"),
            new RouterConfig("admin", "Host(`api.example.com`) && Path(`/admin`)", "admin"),
            new RouterConfig("wild", "Host(`*.wild.example`)", "wild"),
            new RouterConfig("regex", "HostRegexp(`^[a-z]+\\.regex\\.example$`) && PathRegexp(`^/items/[0-9]+$`)", "regex"),
            new RouterConfig("query", "Query(`debug`, `1`) || QueryRegexp(`trace`, `^on|yes$`)", "query") { Priority = 1000 },
            new RouterConfig("header", "Header(`X-Canary`, `yes`) || HeaderRegexp(`X-Tenant`, `^t-[0-9]+$`)", "header") { Priority = 900 },
            new RouterConfig("method", "Method(`DELETE`)", "method") { Priority = 800 },
            new RouterConfig("negated", "Host(`neg.example`) && !PathPrefix(`/private`)", "negated"),
            new RouterConfig("local", "ClientIP(`127.0.0.0/8`) && PathPrefix(`/local`)", "local"),
            new RouterConfig("fallback", "PathPrefix(`/`)", "fallback") { Priority = 1 });
        await using (proxy)
        {
            Assert.Equal("api", await GetAsync(proxy, "GET /v1/users HTTP/1.1\r\nHost: API.Example.com:8080\r\n"));
            Assert.Equal("admin", await GetAsync(proxy, "GET /admin HTTP/1.1\r\nHost: api.example.com\r\n"));
            Assert.Equal("fallback", await GetAsync(proxy, "GET /admin/x HTTP/1.1\r\nHost: api.example.com\r\n"));
            Assert.Equal("wild", await GetAsync(proxy, "GET / HTTP/1.1\r\nHost: a.wild.example\r\n"));
            Assert.Equal("fallback", await GetAsync(proxy, "GET / HTTP/1.1\r\nHost: a.b.wild.example\r\n"));
            Assert.Equal("regex", await GetAsync(proxy, "GET /items/42 HTTP/1.1\r\nHost: shop.regex.example\r\n"));
            Assert.Equal("fallback", await GetAsync(proxy, "GET /items/x HTTP/1.1\r\nHost: shop.regex.example\r\n"));
            Assert.Equal("query", await GetAsync(proxy, "GET /v1/users?debug=1 HTTP/1.1\r\nHost: api.example.com\r\n"));
            Assert.Equal("query", await GetAsync(proxy, "GET /?trace=yes HTTP/1.1\r\nHost: x\r\n"));
            Assert.Equal("header", await GetAsync(proxy, "GET /v1 HTTP/1.1\r\nHost: api.example.com\r\nX-Canary: yes\r\n"));
            Assert.Equal("header", await GetAsync(proxy, "GET / HTTP/1.1\r\nHost: x\r\nX-Tenant: t-17\r\n"));
            Assert.Equal("method", await GetAsync(proxy, "DELETE /v1/users/1 HTTP/1.1\r\nHost: api.example.com\r\n"));
            Assert.Equal("negated", await GetAsync(proxy, "GET /public HTTP/1.1\r\nHost: neg.example\r\n"));
            Assert.Equal("fallback", await GetAsync(proxy, "GET /private HTTP/1.1\r\nHost: neg.example\r\n"));
            Assert.Equal("local", await GetAsync(proxy, "GET /local/x HTTP/1.1\r\nHost: x\r\n"));
        }

        foreach (ScriptedOrigin origin in origins)
        {
            await origin.DisposeAsync();
        }
    }

    [Fact]
    public async Task NoMatchingRouter_Gets404_AndTheConnectionStaysOpen()
    {
        (ProxyHarness proxy, ScriptedOrigin[] origins) = await StartAsync(new RouterConfig("api", "Host(`api.example.com`)", "api"));
        await using (proxy)
        {
            await using RawConnection client = await RawConnection.OpenAsync(proxy.EndPoint);
            await client.SendAsync("GET / HTTP/1.1\r\nHost: other.example\r\n\r\n");
            Assert.Equal(404, (await client.Reader.ReadResponseAsync())!.Status);
            await client.SendAsync("GET / HTTP/1.1\r\nHost: api.example.com\r\n\r\n");
            Assert.Equal("api", (await client.Reader.ReadResponseAsync())!.BodyText);
        }

        foreach (ScriptedOrigin origin in origins)
        {
            await origin.DisposeAsync();
        }
    }

    [Fact]
    public async Task ExplicitPriority_BeatsTheLongerRule()
    {
        (ProxyHarness proxy, ScriptedOrigin[] origins) = await StartAsync(
            new RouterConfig("api", "Host(`api.example.com`) && PathPrefix(`/v1/users`)", "api"),
            new RouterConfig("admin", "PathPrefix(`/v1`)", "admin") { Priority = 10_000 });
        await using (proxy)
        {
            Assert.Equal("admin", await GetAsync(proxy, "GET /v1/users HTTP/1.1\r\nHost: api.example.com\r\n"));
        }

        foreach (ScriptedOrigin origin in origins)
        {
            await origin.DisposeAsync();
        }
    }

    [Fact]
    public async Task RoutersOfOtherEntrypoints_DoNotMatch()
    {
        await using var origin = ScriptedOrigin.Fixed("other");
        var config = new GatewayConfig
        {
            Entrypoints = [new EntrypointConfig("web", "127.0.0.1:0"), new EntrypointConfig("internal", "127.0.0.1:0")],
            Services = [new ServiceConfig("svc", [new DestinationConfig(origin.Url)])],
            Routers = [new RouterConfig("internal-only", "PathPrefix(`/`)", "svc") { Entrypoints = ["internal"] }],
        };
        await using var gateway = new Gateway(config);
        await gateway.StartAsync();

        (int _, string web, _) = await TestTools.CurlAsync($"-s -o /dev/null -w %{{http_code}} http://{gateway.EndPointOf("web")}/");
        (int _, string internalBody, _) = await TestTools.CurlAsync($"-s http://{gateway.EndPointOf("internal")}/");
        Assert.Equal("404", web);
        Assert.Equal("other", internalBody);
    }

    [Fact]
    public async Task Curl_ReachesTheServiceItsHostHeaderSelects()
    {
        (ProxyHarness proxy, ScriptedOrigin[] origins) = await StartAsync(
            new RouterConfig("api", "Host(`api.example.com`)", "api"),
            new RouterConfig("wild", "Host(`*.example.com`)", "wild"));
        await using (proxy)
        {
            (int exit, string body, string error) = await TestTools.CurlAsync($"-s -H \"Host: api.example.com\" {proxy.Url}/");
            Assert.True(exit == 0, error);
            Assert.Equal("api", body);
            (_, body, _) = await TestTools.CurlAsync($"-s --resolve www.example.com:{proxy.EndPoint.Port}:127.0.0.1 http://www.example.com:{proxy.EndPoint.Port}/");
            Assert.Equal("wild", body);
        }

        foreach (ScriptedOrigin origin in origins)
        {
            await origin.DisposeAsync();
        }
    }
}
