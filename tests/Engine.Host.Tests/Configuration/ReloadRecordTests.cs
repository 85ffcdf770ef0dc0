using System.Net;
using System.Text.Json;
using Engine.Host.Configuration;
using Engine.TestSupport.Net;
using Microsoft.Extensions.Logging.Abstractions;

namespace Engine.Host.Tests.Configuration;

/// <summary>
/// Every reload attempt from the files, parsed or not, is counted by result in
/// <c>engine_config_reloads_total</c> and shown in <c>/api/gateway/health</c>: the gateway runs
/// from a file with the watcher wired as <c>engine run</c> wires it (<see cref="GatewayReload"/>).
/// </summary>
public sealed class ReloadRecordTests : IAsyncDisposable
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(10);

    private readonly ConfigFiles _files = new();
    private readonly HttpClient _client = new();
    private Gateway? _gateway;
    private ConfigWatcher? _watcher;

    public async ValueTask DisposeAsync()
    {
        if (_watcher is not null)
        {
            await _watcher.DisposeAsync();
        }
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
        _client.Dispose();
        _files.Dispose();
    }

    private static string Config(string origin, string extra = "") => $$"""
        [entrypoints.web]
        address = "127.0.0.1:0"

        [routers.app]
        rule = "PathPrefix(`/`)"
        service = "app"
        {{extra}}
        [services.app.load_balancer]
        [[services.app.load_balancer.servers]]
        url = "{{origin}}"

        [admin]
        address = "127.0.0.1:0"
        """;

    /// <summary>Starts the gateway from <paramref name="path"/> and watches it, with a short debounce.</summary>
    private async Task<Gateway> StartAsync(string path, bool watchFiles = true)
    {
        LoadedConfig loaded = ConfigLoader.Load(path, _ => null);
        _gateway = new Gateway(loaded.Config);
        await _gateway.StartAsync();
        Gateway gateway = _gateway;
        _watcher = new ConfigWatcher(path, loaded, attempt => GatewayReload.ApplyAsync(gateway, attempt), NullLogger.Instance,
            watchFiles, handleHangupSignal: false, debounce: TimeSpan.FromMilliseconds(100), environment: _ => null);
        _watcher.Start();
        return gateway;
    }

    private static async Task<ReloadResult> WaitForReloadAsync(Gateway gateway, ReloadResult? previous)
    {
        DateTime deadline = DateTime.UtcNow + s_patience;
        while (gateway.LastReload is not { } last || ReferenceEquals(last, previous))
        {
            Assert.True(DateTime.UtcNow < deadline, "no reload was recorded");
            await Task.Delay(20);
        }
        return gateway.LastReload!;
    }

    private async Task<(JsonElement Health, string Metrics)> ScrapeAsync(Gateway gateway)
    {
        string admin = $"http://{gateway.AdminEndPoint}";
        using JsonDocument health = JsonDocument.Parse(await _client.GetStringAsync($"{admin}/api/gateway/health"));
        return (health.RootElement.Clone(), await _client.GetStringAsync($"{admin}/metrics"));
    }

    private static void ReplaceAtomically(string path, string text)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    [Fact]
    public async Task FileEditWithASyntaxError_IsCountedAsAFailure_AndHealthShowsItsSourceTimeAndLocatedError_ThenAGoodEditSucceeds()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        await using var b = ScriptedOrigin.Fixed("b");
        string path = _files.Write("gateway.toml", Config(a.Url));
        Gateway gateway = await StartAsync(path);
        Engine.Core.Configuration.GatewayConfig running = gateway.Config;
        DateTimeOffset before = DateTimeOffset.UtcNow;

        ReplaceAtomically(path, Config(b.Url).Replace("[routers.app]", "[routers.app", StringComparison.Ordinal));
        ReloadResult failed = await WaitForReloadAsync(gateway, null);

        Assert.False(failed.Success);
        Assert.Same(running, gateway.Config);
        Assert.Equal(1, gateway.SnapshotVersion);
        (JsonElement health, string metrics) = await ScrapeAsync(gateway);
        Assert.Contains("engine_config_reloads_total{result=\"failure\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("engine_config_reloads_total{result=\"success\"} 1", metrics, StringComparison.Ordinal);
        JsonElement last = health.GetProperty("last_reload");
        Assert.Equal("file", last.GetProperty("source").GetString());
        Assert.False(last.GetProperty("succeeded").GetBoolean());
        Assert.InRange(last.GetProperty("at").GetDateTimeOffset(), before, DateTimeOffset.UtcNow);
        Assert.StartsWith($"{path}:4:", last.GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal("start", health.GetProperty("last_successful_reload").GetProperty("source").GetString());
        (_, string body, _) = await TestTools.CurlAsync($"http://{gateway.EndPointOf("web")}/");
        Assert.Equal("a", body);

        ReplaceAtomically(path, Config(b.Url));
        ReloadResult applied = await WaitForReloadAsync(gateway, failed);

        Assert.True(applied.Success);
        (health, metrics) = await ScrapeAsync(gateway);
        Assert.Contains("engine_config_reloads_total{result=\"success\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("engine_config_reloads_total{result=\"failure\"} 1", metrics, StringComparison.Ordinal);
        Assert.True(health.GetProperty("last_reload").GetProperty("succeeded").GetBoolean());
        JsonElement lastSuccess = health.GetProperty("last_successful_reload");
        Assert.Equal(("file", applied.At), (lastSuccess.GetProperty("source").GetString(), lastSuccess.GetProperty("at").GetDateTimeOffset()));
        (_, body, _) = await TestTools.CurlAsync($"http://{gateway.EndPointOf("web")}/");
        Assert.Equal("b", body);
    }

    [Fact]
    public async Task FileDroppedIntoAnIncludedConfD_AddsItsRouter()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        Directory.CreateDirectory(Path.Combine(_files.Root, "conf.d"));
        string path = _files.Write("gateway.toml", Config(a.Url) + "\n[providers.file]\ndirectory = \"conf.d/\"\n");
        Gateway gateway = await StartAsync(path);

        _files.Write("conf.d/more.toml", "[routers.more]\nrule = \"Path(`/more`)\"\nservice = \"app\"\n");
        ReloadResult applied = await WaitForReloadAsync(gateway, null);

        Assert.True(applied.Success, string.Join("\n", applied.Errors));
        Assert.Contains("more", gateway.Snapshot.RouterOrder("web"));
    }

    [Fact]
    public async Task RequestedReload_TheSignalPath_IsCountedWithSourceSignal_EvenWhenTheFileDoesNotParse()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        string path = _files.Write("gateway.toml", Config(a.Url));
        Gateway gateway = await StartAsync(path, watchFiles: false);
        File.WriteAllText(path, "drain_timeout = ");

        // What the SIGHUP handler calls.
        _watcher!.RequestReload("SIGHUP");
        ReloadResult failed = await WaitForReloadAsync(gateway, null);

        Assert.Equal(("signal", false), (failed.Source, failed.Success));
        (_, string metrics) = await ScrapeAsync(gateway);
        Assert.Contains("engine_config_reloads_total{result=\"failure\"} 1", metrics, StringComparison.Ordinal);
    }
}
