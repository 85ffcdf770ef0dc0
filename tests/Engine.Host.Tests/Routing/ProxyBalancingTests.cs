using Engine.Core.Configuration;
using Engine.Core.LoadBalancing;
using Engine.Host.Tests.Proxy;
using Engine.TestSupport.Net;
using Xunit;

namespace Engine.Host.Tests.Routing;

/// <summary>Balancing policies, health, affinity and weighted services as a client of the proxy sees them.</summary>
public sealed class ProxyBalancingTests
{
    private static async Task<List<string>> GetManyAsync(ProxyHarness proxy, int count, string extraHeaders = "")
    {
        var bodies = new List<string>();
        await using RawConnection client = await RawConnection.OpenAsync(proxy.EndPoint);
        for (int i = 0; i < count; i++)
        {
            await client.SendAsync($"GET / HTTP/1.1\r\nHost: x\r\n{extraHeaders}\r\n");
            RawMessage response = (await client.Reader.ReadResponseAsync())!;
            bodies.Add(response.Status == 200 ? response.BodyText : response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return bodies;
    }

    [Fact]
    public async Task SmoothWeightedRoundRobin_SendsTheNginxSequence_ForWeights511()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        await using var b = ScriptedOrigin.Fixed("b");
        await using var c = ScriptedOrigin.Fixed("c");
        var service = new ServiceConfig("origin", [new(a.Url) { Weight = 5 }, new(b.Url) { Weight = 1 }, new(c.Url) { Weight = 1 }])
        {
            LoadBalancing = new LoadBalancingConfig { Policy = LoadBalancingPolicyNames.WeightedRoundRobin },
        };
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([], services: [service]);

        List<string> bodies = await GetManyAsync(proxy, 14);

        Assert.Equal(["a", "a", "b", "a", "c", "a", "a", "a", "a", "b", "a", "c", "a", "a"], bodies);
    }

    [Fact]
    public async Task DefaultStrategy_HonoursWeights3To1_InTheSmoothOrder()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        await using var b = ScriptedOrigin.Fixed("b");
        var service = new ServiceConfig("origin", [new(a.Url) { Weight = 3 }, new(b.Url) { Weight = 1 }]);
        Assert.Equal(LoadBalancingPolicyNames.RoundRobin, service.LoadBalancing.Policy);
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([], services: [service]);

        List<string> bodies = await GetManyAsync(proxy, 8);

        Assert.Equal(["a", "a", "b", "a", "a", "a", "b", "a"], bodies);
    }

    [Fact]
    public async Task UnhealthyDestination_IsSkipped_And503WhenNoneIsHealthy()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        await using var b = ScriptedOrigin.Fixed("b");
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([a.Url, b.Url]);
        IReadOnlyList<DestinationState> destinations = proxy.Gateway.Snapshot.Destinations["origin"];

        destinations[0].IsHealthy = false;
        Assert.All(await GetManyAsync(proxy, 6), body => Assert.Equal("b", body));

        destinations[1].IsHealthy = false;
        Assert.Equal(["503", "503"], await GetManyAsync(proxy, 2));
        Assert.True(proxy.Metrics.UpstreamErrors(Http.Proxy.UpstreamErrorKind.NoDestination) >= 2);

        destinations[0].IsHealthy = true;
        Assert.All(await GetManyAsync(proxy, 4), body => Assert.Equal("a", body));
    }

    [Fact]
    public async Task StickyCookie_RoundTrip_PinsTheClient_AndRepinsWhenItsDestinationIsUnhealthy()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        await using var b = ScriptedOrigin.Fixed("b");
        var service = new ServiceConfig("origin", [new(a.Url), new(b.Url)])
        {
            LoadBalancing = new LoadBalancingConfig
            {
                StickySession = new StickySessionConfig("srv") { Secure = true, SameSite = CookieSameSite.Lax, MaxAge = TimeSpan.FromHours(1) },
            },
        };
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([], services: [service]);
        await using RawConnection client = await RawConnection.OpenAsync(proxy.EndPoint);

        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        RawMessage first = (await client.Reader.ReadResponseAsync())!;
        string setCookie = first.Header("Set-Cookie")!;
        Assert.Matches("^srv=[0-9a-f]{16}; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax$", setCookie);
        string cookie = setCookie.Split(';')[0];

        for (int i = 0; i < 6; i++)
        {
            await client.SendAsync($"GET / HTTP/1.1\r\nHost: x\r\nCookie: other=1; {cookie}\r\n\r\n");
            RawMessage pinned = (await client.Reader.ReadResponseAsync())!;
            Assert.Equal(first.BodyText, pinned.BodyText);
            Assert.Null(pinned.Header("Set-Cookie"));
        }

        // The pinned destination goes away: the next request falls back and is re-pinned.
        DestinationState pinnedState = proxy.Gateway.Snapshot.Destinations["origin"].Single(d => d.Name.EndsWith(first.BodyText == "a" ? a.Url[7..] : b.Url[7..], StringComparison.Ordinal));
        pinnedState.IsHealthy = false;
        await client.SendAsync($"GET / HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\r\n");
        RawMessage moved = (await client.Reader.ReadResponseAsync())!;
        Assert.NotEqual(first.BodyText, moved.BodyText);
        Assert.NotNull(moved.Header("Set-Cookie"));
        Assert.NotEqual(setCookie, moved.Header("Set-Cookie"));
    }

    [Fact]
    public async Task ConsistentHashOnAHeader_SendsEachKeyToOneDestination()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        await using var b = ScriptedOrigin.Fixed("b");
        await using var c = ScriptedOrigin.Fixed("c");
        var service = new ServiceConfig("origin", [new(a.Url), new(b.Url), new(c.Url)])
        {
            LoadBalancing = new LoadBalancingConfig { Policy = LoadBalancingPolicyNames.ConsistentHash, HashKey = new HashKeyConfig(HashKeySource.Header, "X-User") },
        };
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([], services: [service]);

        var seen = new HashSet<string>();
        for (int user = 0; user < 12; user++)
        {
            List<string> bodies = await GetManyAsync(proxy, 4, $"X-User: user-{user}\r\n");
            Assert.Single(bodies.Distinct());
            seen.Add(bodies[0]);
        }

        Assert.True(seen.Count >= 2, "12 keys should spread over more than one destination");
    }

    [Fact]
    public async Task WeightedService_SplitsTrafficByChildWeight_AndZeroWeightGetsNone()
    {
        await using var stable = ScriptedOrigin.Fixed("stable");
        await using var canary = ScriptedOrigin.Fixed("canary");
        await using var dark = ScriptedOrigin.Fixed("dark");
        ServiceConfig[] services =
        [
            new("stable", [new(stable.Url)]),
            new("canary", [new(canary.Url)]),
            new("dark", [new(dark.Url)]),
            new("app") { Weighted = [new("stable", 3), new("canary", 1), new("dark", 0)] },
        ];
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([], services: services, routers: [RouterConfig.CatchAll("all", "app")]);

        List<string> bodies = await GetManyAsync(proxy, 40);

        Assert.Equal(30, bodies.Count(b => b == "stable"));
        Assert.Equal(10, bodies.Count(b => b == "canary"));
        Assert.Equal(0, dark.Requests);
    }

    [Fact]
    public async Task LeastConnections_AvoidsTheDestinationHoldingASlowRequest()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ScriptedOrigin Origin(string name) => new(async exchange =>
        {
            if (exchange.Request.Target == "/slow")
            {
                await release.Task;
            }
            await exchange.RespondAsync(200, name);
        });
        await using ScriptedOrigin a = Origin("a");
        await using ScriptedOrigin b = Origin("b");
        var service = new ServiceConfig("origin", [new(a.Url), new(b.Url)])
        {
            LoadBalancing = new LoadBalancingConfig { Policy = LoadBalancingPolicyNames.LeastConnections },
        };
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([], services: [service]);

        await using RawConnection parked = await RawConnection.OpenAsync(proxy.EndPoint);
        await parked.SendAsync("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        IReadOnlyList<DestinationState> states = proxy.Gateway.Snapshot.Destinations["origin"];
        for (int i = 0; i < 100 && states.Sum(s => s.InFlight) == 0; i++)
        {
            await Task.Delay(20);
        }
        string idle = states[0].InFlight == 1 ? "b" : "a";

        List<string> bodies = await GetManyAsync(proxy, 6);
        release.SetResult();

        Assert.All(bodies, body => Assert.Equal(idle, body));
        Assert.Equal(200, (await parked.Reader.ReadResponseAsync())!.Status);
    }
}
