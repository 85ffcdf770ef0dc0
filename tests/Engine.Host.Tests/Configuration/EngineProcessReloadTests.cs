using System.Net;
using Engine.TestSupport.Net;
using Xunit;

namespace Engine.Host.Tests.Configuration;

/// <summary>
/// Hot reload as an operator drives it: the engine binary runs from a config file, the file is
/// replaced the way editors do (write elsewhere, rename over) or SIGHUP is sent, and the next
/// requests follow the new routers; a broken file changes nothing.
/// </summary>
public sealed class EngineProcessReloadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("engine-reload-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Config(int port, string originA, string originB, string rule, bool watch, int adminPort = 0) => $$"""
        [entrypoints.web]
        address = "127.0.0.1:{{port}}"

        [routers.main]
        rule = "{{rule}}"
        service = "a"

        [routers.b]
        rule = "PathPrefix(`/b`)"
        service = "b"

        [services.a.load_balancer]
        [[services.a.load_balancer.servers]]
        url = "{{originA}}"

        [services.b.load_balancer]
        [[services.b.load_balancer.servers]]
        url = "{{originB}}"

        [providers.file]
        watch = {{(watch ? "true" : "false")}}

        {{(adminPort == 0 ? "" : $"[admin]\naddress = \"127.0.0.1:{adminPort}\"")}}
        """;

    private void ReplaceAtomically(string path, string text)
    {
        string temporary = Path.Combine(_directory, $".{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    private static async Task<string> WaitForBodyAsync(string url, Func<string, bool> done)
    {
        string body = "";
        for (int i = 0; i < 100; i++)
        {
            (_, body, _) = await TestTools.CurlAsync($"-s {url}", maxSeconds: 5);
            if (done(body))
            {
                return body;
            }
            await Task.Delay(100);
        }
        return body;
    }

    /// <summary>Runs the engine binary on <paramref name="configPath"/> for the length of <paramref name="scenario"/>; returns what it logged.</summary>
    private static async Task<string> RunEngineAsync(string configPath, int port, Func<EngineProcess, Task> scenario)
    {
        EngineProcess engine = EngineProcess.Start($"run --config {configPath} --log-level information");
        try
        {
            TestTools.WaitForListener(new IPEndPoint(IPAddress.Loopback, port), TimeSpan.FromSeconds(20));
            await scenario(engine);
        }
        finally
        {
            await engine.DisposeAsync();
        }
        return await engine.StopAndReadOutputAsync();
    }

    [Fact]
    public async Task EditedConfigFile_IsAppliedWithoutRestart_AndABrokenEditKeepsTheRunningConfig()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        await using var b = ScriptedOrigin.Fixed("b");
        int port = TestTools.FreePort();
        string path = Path.Combine(_directory, "gateway.toml");
        File.WriteAllText(path, Config(port, a.Url, b.Url, "PathPrefix(`/a`)", watch: true));
        string log = await RunEngineAsync(path, port, async engine =>
        {
            Assert.Equal("a", await WaitForBodyAsync($"http://127.0.0.1:{port}/a", body => body == "a"));
            Assert.Equal("b", await WaitForBodyAsync($"http://127.0.0.1:{port}/b", body => body == "b"));

            // The main router now takes /b as well, with a higher priority than router b.
            ReplaceAtomically(path, Config(port, a.Url, b.Url, "PathPrefix(`/a`) || PathPrefix(`/b`)", watch: true).Replace("service = \"a\"", "service = \"a\"\npriority = 1000", StringComparison.Ordinal));
            Assert.Equal("a", await WaitForBodyAsync($"http://127.0.0.1:{port}/b", body => body == "a"));

            // A broken edit: logged, not applied.
            ReplaceAtomically(path, Config(port, a.Url, b.Url, "PathPrefx(`/b`)", watch: true));
            await Task.Delay(1500);
            (_, string body, _) = await TestTools.CurlAsync($"-s http://127.0.0.1:{port}/b");
            Assert.Equal("a", body);
        });

        Assert.Contains("PathPrefx", log, StringComparison.Ordinal);
        Assert.Contains("did you mean PathPrefix?", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sighup_ReloadsTheFile_EvenWithWatchingOff_AndABrokenFileIsCountedAsAFailureFromTheSignal()
    {
        await using var a = ScriptedOrigin.Fixed("a");
        await using var b = ScriptedOrigin.Fixed("b");
        int port = TestTools.FreePort();
        int adminPort = TestTools.FreePort();
        string path = Path.Combine(_directory, "gateway.toml");
        File.WriteAllText(path, Config(port, a.Url, b.Url, "PathPrefix(`/a`)", watch: false, adminPort));
        await RunEngineAsync(path, port, async engine =>
        {
            Assert.Equal("a", await WaitForBodyAsync($"http://127.0.0.1:{port}/a", body => body == "a"));

            File.WriteAllText(path, Config(port, b.Url, a.Url, "PathPrefix(`/a`)", watch: false, adminPort));
            await Task.Delay(700);
            (_, string unchanged, _) = await TestTools.CurlAsync($"-s http://127.0.0.1:{port}/a");
            Assert.Equal("a", unchanged);

            TestTools.Run("kill", $"-HUP {engine.Id}", TimeSpan.FromSeconds(5));
            Assert.Equal("b", await WaitForBodyAsync($"http://127.0.0.1:{port}/a", body => body == "b"));

            // A broken file and SIGHUP: counted as a failure from the signal, the config stays.
            File.WriteAllText(path, Config(port, a.Url, b.Url, "PathPrefix(`/a`)", watch: false, adminPort).Replace("[routers.b]", "[routers.b", StringComparison.Ordinal));
            TestTools.Run("kill", $"-HUP {engine.Id}", TimeSpan.FromSeconds(5));
            string health = await WaitForBodyAsync($"http://127.0.0.1:{adminPort}/api/gateway/health", body => body.Contains("\"succeeded\": false", StringComparison.Ordinal));
            using var document = System.Text.Json.JsonDocument.Parse(health);
            System.Text.Json.JsonElement last = document.RootElement.GetProperty("last_reload");
            Assert.Equal("signal", last.GetProperty("source").GetString());
            Assert.StartsWith($"{path}:", last.GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
            Assert.Equal("signal", document.RootElement.GetProperty("last_successful_reload").GetProperty("source").GetString());
            (_, string metrics, _) = await TestTools.CurlAsync($"-s http://127.0.0.1:{adminPort}/metrics");
            Assert.Contains("engine_config_reloads_total{result=\"success\"} 2", metrics, StringComparison.Ordinal);
            Assert.Contains("engine_config_reloads_total{result=\"failure\"} 1", metrics, StringComparison.Ordinal);
            (_, string still, _) = await TestTools.CurlAsync($"-s http://127.0.0.1:{port}/a");
            Assert.Equal("b", still);
        });
    }
}
