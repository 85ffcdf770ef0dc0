using System.Net;
using System.Text;
using System.Text.Json;
using Engine.Core.Configuration;
using Engine.Host.Admin;
using Engine.Host.Tests.Proxy;
using Engine.TestSupport.Net;
using Xunit;

namespace Engine.Host.Tests.Admin;

/// <summary>The admin API in front of a real gateway: what it reports and what a PUT changes.</summary>
public sealed class GatewayAdminTests
{
    [Fact]
    public async Task PutConfig_EditedFromGet_IsAppliedAtomically_AndHealthShowsTheNewSnapshot()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        await using var b = ScriptedOrigin.Fixed("b");
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([], admin: new AdminConfig { Address = "127.0.0.1:0" },
            services: [new ServiceConfig("a", [new DestinationConfig(a.Url)]), new ServiceConfig("b", [new DestinationConfig(b.Url)])],
            routers: [new RouterConfig("main", "PathPrefix(`/`)", "a")]);
        string admin = $"http://{proxy.Gateway.AdminEndPoint}";
        using var client = new HttpClient();

        string config = await client.GetStringAsync($"{admin}/api/gateway/config");
        string edited = config.Replace("\"service\": \"a\"", "\"service\": \"b\"", StringComparison.Ordinal)
            .Replace("\"service\":\"a\"", "\"service\":\"b\"", StringComparison.Ordinal);
        Assert.NotEqual(config, edited);
        using HttpResponseMessage put = await client.PutAsync($"{admin}/api/gateway/config", new StringContent(edited, Encoding.UTF8, "application/json"));
        string putBody = await put.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Contains("\"snapshot_version\":2", putBody.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        (_, string proxied, _) = await TestTools.CurlAsync($"{proxy.Url}/x");
        Assert.Equal("b", proxied);

        using JsonDocument health = JsonDocument.Parse(await client.GetStringAsync($"{admin}/api/gateway/health"));
        Assert.Equal(2, health.RootElement.GetProperty("snapshot_version").GetInt64());
        JsonElement lastReload = health.RootElement.GetProperty("last_reload");
        Assert.Equal("admin_api", lastReload.GetProperty("source").GetString());
        Assert.True(lastReload.GetProperty("succeeded").GetBoolean());
        Assert.Equal("ready\n", await client.GetStringAsync($"{admin}/readyz"));
    }

    [Fact]
    public async Task ApplyConfig_WithAServiceNoRouterUses_IsAppliedAndLogsTheWarningOnce()
    {
        var config = new GatewayConfig
        {
            Entrypoints = [new EntrypointConfig("web", "127.0.0.1:0")],
            Services = [new ServiceConfig("a", [new DestinationConfig("http://127.0.0.1:18001")])],
            Routers = [RouterConfig.CatchAll("all", "a")],
        };
        var logs = new ListLoggerProvider();
        using var loggerFactory = new Microsoft.Extensions.Logging.LoggerFactory([logs]);
        await using var gateway = new Gateway(config, loggerFactory);
        await gateway.StartAsync();

        GatewayConfig withUnused = config with { Services = [.. config.Services, new ServiceConfig("b", [new DestinationConfig("http://127.0.0.1:18002")])] };
        AdminApplyResult result = await ((IAdminBackend)gateway).ApplyConfigAsync(withUnused, CancellationToken.None);

        Assert.True(result.Applied);
        Assert.Single(logs.Messages, m => m == "warning: services.b: no router uses this service, directly or through a weighted service, so it never receives a request.");
    }

    [Fact]
    public async Task PutConfig_Invalid_Is400WithLocatedErrors_AndNothingChanges()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([a.Url], admin: new AdminConfig { Address = "127.0.0.1:0" });
        string admin = $"http://{proxy.Gateway.AdminEndPoint}";
        using var client = new HttpClient();
        string config = await client.GetStringAsync($"{admin}/api/gateway/config");
        string broken = config.Replace("PathPrefix(`/`)", "PathPrefx(`/`)", StringComparison.Ordinal);

        using HttpResponseMessage put = await client.PutAsync($"{admin}/api/gateway/config", new StringContent(broken, Encoding.UTF8, "application/json"));
        string body = await put.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("routers.all.rule", body, StringComparison.Ordinal);
        Assert.Contains("did you mean PathPrefix?", body, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Gateway.SnapshotVersion);
        (_, string proxied, _) = await TestTools.CurlAsync($"{proxy.Url}/x");
        Assert.Equal("a", proxied);
    }

    [Fact]
    public async Task Routes_ListsTheCompiledTable_AndReloadingTheAdminAddressMovesTheListener()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([a.Url], admin: new AdminConfig { Address = "127.0.0.1:0" },
            routers: [new RouterConfig("api", "Host(`api.example`) && PathPrefix(`/v1`)", "origin"), RouterConfig.CatchAll("all", "origin")]);
        using var client = new HttpClient();
        string routes = await client.GetStringAsync($"http://{proxy.Gateway.AdminEndPoint}/api/gateway/routes");
        Assert.Contains("\"api\"", routes, StringComparison.Ordinal);
        Assert.Contains("host api.example", routes, StringComparison.Ordinal);

        int port = TestTools.FreePort();
        ReloadResult result = await proxy.Gateway.ReloadAsync(proxy.Gateway.Config with { Admin = new AdminConfig { Address = $"127.0.0.1:{port}" } });
        Assert.True(result.Success);
        string healthz = "";
        for (int i = 0; i < 50 && healthz != "ok\n"; i++)
        {
            await Task.Delay(50);
            (_, healthz, _) = await TestTools.CurlAsync($"-s http://127.0.0.1:{port}/healthz", maxSeconds: 2);
        }
        Assert.Equal("ok\n", healthz);
    }

    private sealed class ListLoggerProvider : Microsoft.Extensions.Logging.ILoggerProvider, Microsoft.Extensions.Logging.ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
