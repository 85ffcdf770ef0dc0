using System.Diagnostics;
using System.Net;
using Engine.Core.Configuration;
using Engine.TestSupport.Net;
using Xunit;
using Xunit.Abstractions;

namespace Engine.Host.Tests.Proxy;

/// <summary>Hot reload: configs swapped under load lose nothing; bad configs change nothing.</summary>
public sealed class ReloadTests(ITestOutputHelper output)
{
    private static GatewayConfig Config(string address, int generation, IReadOnlyList<string> origins)
    {
        // Generation by generation: the stable router's service moves between origins, extra
        // routers and services come and go, priorities and strategies change.
        string[] strategies = ["round_robin", "least_connections", "random", "power_of_two_choices", "weighted_round_robin"];
        var services = new List<ServiceConfig>
        {
            new("stable", [.. origins.Where((_, i) => (generation + i) % 3 != 0).Select(o => new DestinationConfig(o) { Weight = 1 + (generation % 3) })])
            {
                LoadBalancing = new Core.LoadBalancing.LoadBalancingConfig { Policy = strategies[generation % strategies.Length] },
            },
        };
        var routers = new List<RouterConfig> { new("stable", "PathPrefix(`/stable`)", "stable") { Priority = generation % 7 } };
        for (int i = 0; i < generation % 5; i++)
        {
            services.Add(new ServiceConfig($"extra-{i}", [new DestinationConfig(origins[i % origins.Count])]));
            routers.Add(new RouterConfig($"extra-{i}", $"Host(`extra{i}.example`) || PathPrefix(`/extra/{i}`)", $"extra-{i}"));
        }

        if (generation % 2 == 1)
        {
            services.Add(new ServiceConfig("canary") { Weighted = [new("stable", 3), new(services[^1].Name, 1)] });
            routers.Add(new RouterConfig("canary", "Header(`X-Canary`, `1`)", "canary"));
        }

        return new GatewayConfig
        {
            Entrypoints = [new EntrypointConfig("web", address)],
            Services = services,
            Routers = routers,
            DrainTimeout = TimeSpan.FromSeconds(5),
        };
    }

    [Fact]
    public async Task HundredReloadsUnderLoad_AddingChangingAndRemovingRoutersAndServices_LoseNoRequest()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        await using var b = ScriptedOrigin.Fixed("b");
        await using var c = ScriptedOrigin.Fixed("c");
        string[] origins = [a.Url, b.Url, c.Url];
        int port = TestTools.FreePort();
        string address = $"127.0.0.1:{port}";
        await using var gateway = new Gateway(Config(address, 0, origins));
        await gateway.StartAsync();

        using var stop = new CancellationTokenSource();
        long succeeded = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        async Task KeepAliveClientAsync(int id)
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 2, PooledConnectionLifetime = TimeSpan.FromMilliseconds(200 + (id * 50)) };
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
            int n = 0;
            while (!stop.IsCancellationRequested)
            {
                string path = (n++ % 3) switch { 0 => "/stable/x", 1 => "/stable/y?z=1", _ => "/stable" };
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{address}{path}");
                if (n % 4 == 0)
                {
                    request.Headers.ConnectionClose = true;
                }
                if (n % 5 == 0)
                {
                    request.Headers.Add("X-Canary", "1");
                }
                try
                {
                    using HttpResponseMessage response = await client.SendAsync(request);
                    string body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.OK || body is not ("a" or "b" or "c"))
                    {
                        failures.Enqueue($"{path}: {(int)response.StatusCode} {body}");
                    }
                    else
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    failures.Enqueue($"{path}: {ex.GetType().Name} {ex.Message}");
                }
            }
        }

        Task[] clients = [.. Enumerable.Range(0, 4).Select(KeepAliveClientAsync)];
        var reloadTimes = new List<double>();
        for (int generation = 1; generation <= 100; generation++)
        {
            ReloadResult result = await gateway.ReloadAsync(Config(address, generation, origins));
            Assert.True(result.Success, string.Join("\n", result.Errors));
            reloadTimes.Add(result.Duration.TotalMilliseconds);
            await Task.Delay(15);
        }
        await Task.Delay(100);
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        output.WriteLine($"{Interlocked.Read(ref succeeded)} requests during 100 reloads; reload median {reloadTimes.Order().ElementAt(50):F2} ms, max {reloadTimes.Max():F2} ms");
        Assert.True(failures.IsEmpty, $"{failures.Count} failed requests, e.g. {string.Join(" | ", failures.Take(5))}");
        Assert.True(Interlocked.Read(ref succeeded) > 200, $"only {succeeded} requests ran");
        Assert.Equal(101, gateway.SnapshotVersion);
    }

    [Fact]
    public async Task InvalidConfig_IsRefusedWithEveryProblem_AndTheRunningConfigStays()
    {
        await using var origin = ScriptedOrigin.Fixed("a");
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);
        GatewayConfig running = proxy.Gateway.Config;
        GatewayConfig broken = running with
        {
            Routers = [new RouterConfig("bad-rule", "PathPrefx(`/`)", "origin"), new RouterConfig("dangling", "Path(`/x`)", "orign")],
        };

        ReloadResult result = await proxy.Gateway.ReloadAsync(broken);

        Assert.False(result.Success);
        Assert.Contains(result.Errors, e => e.Contains("routers.bad-rule.rule", StringComparison.Ordinal) && e.Contains("did you mean PathPrefix?", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Contains("routers.dangling.service", StringComparison.Ordinal) && e.Contains("did you mean 'origin'?", StringComparison.Ordinal));
        Assert.Same(running, proxy.Gateway.Config);
        Assert.Equal(1, proxy.Gateway.SnapshotVersion);
        Assert.Same(result, proxy.Gateway.LastReload);
        (_, string body, _) = await TestTools.CurlAsync($"{proxy.Url}/");
        Assert.Equal("a", body);
    }

    [Fact]
    public async Task Entrypoints_KeptOneKeepsItsSocketAndConnections_NewOneListens_RemovedOneStopsAccepting()
    {
        await using var origin = ScriptedOrigin.Fixed("a");
        string web = $"127.0.0.1:{TestTools.FreePort()}";
        string old = $"127.0.0.1:{TestTools.FreePort()}";
        string added = $"127.0.0.1:{TestTools.FreePort()}";
        var first = new GatewayConfig
        {
            Entrypoints = [new EntrypointConfig("web", web), new EntrypointConfig("old", old)],
            Services = [new ServiceConfig("origin", [new DestinationConfig(origin.Url)])],
            Routers = [RouterConfig.CatchAll("all", "origin")],
            DrainTimeout = TimeSpan.FromSeconds(2),
        };
        await using var gateway = new Gateway(first);
        await gateway.StartAsync();
        await using RawConnection keptConnection = await RawConnection.OpenAsync(IPEndPoint.Parse(web));
        await keptConnection.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await keptConnection.Reader.ReadResponseAsync())!.Status);

        ReloadResult result = await gateway.ReloadAsync(first with
        {
            Entrypoints = [new EntrypointConfig("web", web) { Limits = new HttpLimitsConfig { MaxRequestHeaderCount = 50 } }, new EntrypointConfig("added", added)],
        });

        Assert.True(result.Success, string.Join("\n", result.Errors));
        await keptConnection.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await keptConnection.Reader.ReadResponseAsync())!.Status);
        (_, string body, _) = await TestTools.CurlAsync($"http://{added}/");
        Assert.Equal("a", body);
        (int exit, _, _) = await TestTools.CurlAsync($"http://{old}/", maxSeconds: 5);
        Assert.NotEqual(0, exit);
        Assert.Equal(["web", "added"], gateway.Entrypoints.Select(e => e.Config.Name));
        Assert.Equal(50, gateway.Entrypoints[0].Config.Limits.MaxRequestHeaderCount);
    }

    [Fact]
    public async Task AddressInUse_RefusesTheReload_AndKeepsServing()
    {
        await using var origin = ScriptedOrigin.Fixed("a");
        using var blocker = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);
        GatewayConfig config = proxy.Gateway.Config;

        ReloadResult result = await proxy.Gateway.ReloadAsync(config with
        {
            Entrypoints = [.. config.Entrypoints, new EntrypointConfig("taken", blocker.LocalEndpoint.ToString()!)],
            Routers = [RouterConfig.CatchAll("renamed", "origin")],
        });

        Assert.False(result.Success);
        Assert.Contains("cannot listen", result.Errors[0], StringComparison.Ordinal);
        Assert.Equal(["all"], proxy.Gateway.Snapshot.RouterOrder("web"));
        Assert.Single(proxy.Gateway.Entrypoints);
        (_, string body, _) = await TestTools.CurlAsync($"{proxy.Url}/");
        Assert.Equal("a", body);
    }

    [Fact]
    public async Task ReloadWithTenThousandRouters_CompilesOffThePathWithinSeconds()
    {
        await using var origin = ScriptedOrigin.Fixed("a");
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);
        GatewayConfig config = proxy.Gateway.Config;
        var routers = new List<RouterConfig>(10_000);
        for (int i = 0; i < 10_000; i++)
        {
            routers.Add(new RouterConfig($"r{i}", (i % 4) switch
            {
                0 => $"Host(`h{i}.example.com`)",
                1 => $"Host(`h{i}.example.com`) && PathPrefix(`/p{i}`)",
                2 => $"PathPrefix(`/svc/{i}/`) && (Method(`GET`) || Method(`POST`))",
                _ => $"Host(`*.w{i}.example.com`) || Header(`X-Route`, `{i}`)",
            }, "origin"));
        }

        var watch = Stopwatch.StartNew();
        ReloadResult result = await proxy.Gateway.ReloadAsync(config with { Routers = routers });
        watch.Stop();

        Assert.True(result.Success, string.Join("\n", result.Errors.Take(3)));
        output.WriteLine($"reload with 10,000 routers: {result.Duration.TotalMilliseconds:F0} ms (validate + compile + swap)");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"reload took {watch.Elapsed}");
        (_, string body, _) = await TestTools.CurlAsync($"-H \"Host: h9997.example.com\" {proxy.Url}/p9997/x");
        Assert.Equal("a", body);
    }
}
