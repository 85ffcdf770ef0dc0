using System.Net;
using System.Net.Sockets;
using Engine.Core.Configuration;
using Engine.TestSupport.Net;
using Xunit;

namespace Engine.Host.Tests.Proxy;

/// <summary>
/// A listener refuses an address another socket holds, an engine's or anyone's, and says so in
/// one sentence; two listeners share one only when both ask with reuse_port.
/// </summary>
public sealed class AddressInUseTests
{
    private static string InUse(string listener, int port, string table = "") =>
        $"{listener} cannot listen on 127.0.0.1:{port}: the address is already in use by another process (set reuse_port = true{table} to share it on purpose).";

    private static GatewayConfig Config(int port, string origin, bool reusePort = false, AdminConfig? admin = null) => new()
    {
        Entrypoints = [new EntrypointConfig("web", $"127.0.0.1:{port}") { ReusePort = reusePort }],
        Services = [new ServiceConfig("origin", [new DestinationConfig(origin)])],
        Routers = [RouterConfig.CatchAll("all", "origin")],
        Admin = admin,
        DrainTimeout = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task SecondEngineProcessOnTheSameConfig_ExitsNonZeroWithTheSentence_WhileTheFirstKeepsServing()
    {
        await using var origin = ScriptedOrigin.Fixed("a");
        int port = TestTools.FreePort();
        int adminPort = TestTools.FreePort();
        string directory = Directory.CreateTempSubdirectory("engine-in-use-").FullName;
        try
        {
            string path = Path.Combine(directory, "gateway.toml");
            File.WriteAllText(path, EngineProcess.SingleOriginConfig(port, origin.Url, adminPort));
            await using EngineProcess first = EngineProcess.Start($"run --config {path}");
            TestTools.WaitForListener(new IPEndPoint(IPAddress.Loopback, adminPort), TimeSpan.FromSeconds(20));

            await using EngineProcess second = EngineProcess.Start($"run --config {path}");
            int exitCode = await second.WaitForExitAsync(TimeSpan.FromSeconds(20));
            string output = await second.StopAndReadOutputAsync();

            Assert.Equal(1, exitCode);
            Assert.Contains($"engine: {InUse("entrypoint 'web'", port)}", output, StringComparison.Ordinal);
            for (int i = 0; i < 8; i++)
            {
                (_, string body, _) = await TestTools.CurlAsync($"http://127.0.0.1:{port}/");
                Assert.Equal("a", body);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task PortHeldByATcpListener_FailsTheStartWithTheAlreadyInUseSentence()
    {
        await using var origin = ScriptedOrigin.Fixed("a");
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;
        await using var gateway = new Gateway(Config(port, origin.Url));

        ListenException refused = await Assert.ThrowsAsync<ListenException>(gateway.StartAsync);

        Assert.Equal(InUse("entrypoint 'web'", port), refused.Message);
        Assert.Equal(GatewayState.Stopped, gateway.State);
    }

    [Fact]
    public async Task PortHeldByAnotherGateway_FailsTheSecondStart_AndTheFirstKeepsAllTheTraffic()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        await using var b = ScriptedOrigin.Fixed("b");
        int port = TestTools.FreePort();
        await using var first = new Gateway(Config(port, a.Url));
        await first.StartAsync();
        await using var second = new Gateway(Config(port, b.Url));

        ListenException refused = await Assert.ThrowsAsync<ListenException>(second.StartAsync);

        Assert.Equal(InUse("entrypoint 'web'", port), refused.Message);
        for (int i = 0; i < 8; i++)
        {
            (_, string body, _) = await TestTools.CurlAsync($"http://127.0.0.1:{port}/");
            Assert.Equal("a", body);
        }
    }

    [Fact]
    public async Task TwoGatewaysWithReusePort_BothBindTheSamePort_AndBothServe()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        await using var b = ScriptedOrigin.Fixed("b");
        int port = TestTools.FreePort();
        await using var first = new Gateway(Config(port, a.Url, reusePort: true));
        await first.StartAsync();
        await using var second = new Gateway(Config(port, b.Url, reusePort: true));
        await second.StartAsync();

        Assert.Equal(port, second.EndPointOf("web").Port);
        // The kernel spreads new connections over both listeners by a hash of the client's
        // address and port; a fresh connection each time reaches both well within 64 tries.
        var answers = new HashSet<string>();
        for (int i = 0; i < 64 && answers.Count < 2; i++)
        {
            (_, string body, _) = await TestTools.CurlAsync($"http://127.0.0.1:{port}/");
            answers.Add(body);
        }
        Assert.Equal(["a", "b"], answers.Order());
    }

    [Fact]
    public async Task ReusePortOnOneSideOnly_IsRefused_NamingTheOtherSide()
    {
        await using var origin = ScriptedOrigin.Fixed("a");
        int port = TestTools.FreePort();
        await using var first = new Gateway(Config(port, origin.Url));
        await first.StartAsync();
        await using var second = new Gateway(Config(port, origin.Url, reusePort: true));

        ListenException refused = await Assert.ThrowsAsync<ListenException>(second.StartAsync);

        Assert.Equal(
            $"entrypoint 'web' cannot listen on 127.0.0.1:{port}: the address is already in use by a process that does not share it (reuse_port is set here; the other listener must set it too).",
            refused.Message);
    }

    [Fact]
    public async Task AdminPortHeldByAnotherGateway_FailsTheStart_AndLeavesNoEntrypointOpen()
    {
        await using var origin = ScriptedOrigin.Fixed("a");
        int adminPort = TestTools.FreePort();
        var admin = new AdminConfig { Address = $"127.0.0.1:{adminPort}" };
        await using var first = new Gateway(Config(TestTools.FreePort(), origin.Url, admin: admin));
        await first.StartAsync();
        int port = TestTools.FreePort();
        await using var second = new Gateway(Config(port, origin.Url, admin: admin));

        ListenException refused = await Assert.ThrowsAsync<ListenException>(second.StartAsync);

        Assert.Equal(InUse("the admin API", adminPort, " in [admin]"), refused.Message);
        using var probe = new TcpListener(IPAddress.Loopback, port);
        probe.Start();
        (_, string health, _) = await TestTools.CurlAsync($"http://127.0.0.1:{adminPort}/healthz");
        Assert.Equal("ok", health.Trim());
    }

    [Fact]
    public async Task ReloadAddingAnEntrypointOnAHeldPort_IsRefusedWithTheSentence_AndTheRunningConfigStays()
    {
        await using var origin = ScriptedOrigin.Fixed("a");
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int held = ((IPEndPoint)holder.LocalEndpoint).Port;
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);
        GatewayConfig running = proxy.Gateway.Config;

        ReloadResult result = await proxy.Gateway.ReloadAsync(running with
        {
            Entrypoints = [.. running.Entrypoints, new EntrypointConfig("taken", $"127.0.0.1:{held}")],
        });

        Assert.False(result.Success);
        Assert.Equal([InUse("entrypoint 'taken'", held)], result.Errors);
        Assert.Same(running, proxy.Gateway.Config);
        (_, string body, _) = await TestTools.CurlAsync($"{proxy.Url}/");
        Assert.Equal("a", body);
    }
}
