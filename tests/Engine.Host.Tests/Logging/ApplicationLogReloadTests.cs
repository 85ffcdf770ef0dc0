using Engine.Core.Configuration;
using Engine.Host.Logging;
using Engine.TestSupport.Net;
using Microsoft.Extensions.Logging;

namespace Engine.Host.Tests.Logging;

/// <summary>[log] through a running gateway: applied at start and on reload, refused whole when its file cannot be opened.</summary>
public sealed class ApplicationLogReloadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("engine-applog-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string LogFile => Path.Combine(_directory, "engine.log");

    private static GatewayConfig Config(string origin, LogConfig log) => new()
    {
        Entrypoints = [new EntrypointConfig("web", "127.0.0.1:0")],
        Services = [new ServiceConfig("api", [new DestinationConfig(origin)])],
        Routers = [new RouterConfig("api-router", "PathPrefix(`/api`)", "api")],
        DrainTimeout = TimeSpan.FromSeconds(5),
        Log = log,
    };

    [Fact]
    public async Task ReloadToDebug_MakesTheRequestLinesAppear()
    {
        await using var origin = ScriptedOrigin.Fixed("hello");
        using var applicationLog = new ApplicationLog();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(applicationLog));
        GatewayConfig config = Config(origin.Url, new LogConfig { File = LogFile });
        await using var gateway = new Gateway(config, factory) { ApplicationLog = applicationLog };
        await gateway.StartAsync();
        await using RawConnection client = await RawConnection.OpenAsync(gateway.EndPointOf("web"));

        await client.SendAsync("GET /api/before HTTP/1.1\r\nHost: shop.example\r\n\r\n");
        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);
        ReloadResult reload = await gateway.ReloadAsync(config with { Log = new LogConfig { Level = "debug", File = LogFile } });
        Assert.True(reload.Success, string.Join("; ", reload.Errors));
        await client.SendAsync("GET /api/after HTTP/1.1\r\nHost: shop.example\r\n\r\n");
        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);
        await client.SendAsync("GET /elsewhere HTTP/1.1\r\nHost: shop.example\r\n\r\n");
        Assert.Equal(404, (await client.Reader.ReadResponseAsync())!.Status);

        string[] lines = await WaitForLinesAsync(lines => lines.Any(l => l.Contains("routed by", StringComparison.Ordinal)));
        string routed = Assert.Single(lines, l => l.Contains("routed by", StringComparison.Ordinal));
        Assert.Contains("dbug: Engine.Http[20] Request on web routed by api-router to service api, server ", routed, StringComparison.Ordinal);
        Assert.Contains(": 200 in ", routed, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("Request on web for host shop.example path /elsewhere: no router matched (404).", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReloadWithALogFileThatCannotBeOpened_IsRefused_AndTheRunningConfigStays()
    {
        await using var origin = ScriptedOrigin.Fixed("hello");
        using var applicationLog = new ApplicationLog();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(applicationLog));
        GatewayConfig config = Config(origin.Url, new LogConfig { File = LogFile });
        await using var gateway = new Gateway(config, factory) { ApplicationLog = applicationLog };
        await gateway.StartAsync();
        string missing = Path.Combine(_directory, "gone", "engine.log");

        ReloadResult reload = await gateway.ReloadAsync(config with
        {
            Routers = [RouterConfig.CatchAll("all", "api")],
            Log = new LogConfig { Level = "debug", File = missing },
        });

        Assert.False(reload.Success);
        string error = Assert.Single(reload.Errors);
        Assert.StartsWith($"log.file: cannot open '{missing}' for the application log: ", error, StringComparison.Ordinal);
        Assert.Same(config, gateway.Config);
        Assert.Equal(LogFile, applicationLog.Config.File);
        Assert.Equal(LogLevel.Information, applicationLog.MinimumLevel);
        string[] lines = await WaitForLinesAsync(lines => lines.Any(l => l.Contains("Config reload refused", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("fail: Engine.Gateway[121] Config reload refused (1 problems)", StringComparison.Ordinal));
    }

    private async Task<string[]> WaitForLinesAsync(Func<string[], bool> done)
    {
        string[] lines = [];
        for (int i = 0; i < 100; i++)
        {
            lines = File.Exists(LogFile) ? await File.ReadAllLinesAsync(LogFile) : [];
            if (done(lines))
            {
                return lines;
            }
            await Task.Delay(50);
        }
        return lines;
    }
}
