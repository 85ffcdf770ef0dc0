using System.Text.Json;
using Engine.Core.Configuration;
using Engine.TestSupport.Net;
using Xunit;

namespace Engine.Host.Tests.Logging;

/// <summary>The access log as an operator reads it: one line per request through the real proxy.</summary>
public sealed class ProxyAccessLogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("engine-access-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<string[]> ReadLinesAsync(string path, int expected)
    {
        for (int i = 0; i < 100; i++)
        {
            string[] lines = File.Exists(path) ? await File.ReadAllLinesAsync(path) : [];
            if (lines.Length >= expected)
            {
                return lines;
            }
            await Task.Delay(50);
        }
        return File.Exists(path) ? await File.ReadAllLinesAsync(path) : [];
    }

    [Fact]
    public async Task EachRequest_WritesOneJsonLine_WithRouterServiceUpstreamAndSizes()
    {
        await using var origin = ScriptedOrigin.Fixed("hello");
        string path = Path.Combine(_directory, "access.log");
        var config = new GatewayConfig
        {
            Entrypoints = [new EntrypointConfig("web", "127.0.0.1:0")],
            Services = [new ServiceConfig("api", [new DestinationConfig(origin.Url)])],
            Routers = [new RouterConfig("api-router", "PathPrefix(`/api`)", "api")],
            AccessLog = new AccessLogConfig { Path = path },
        };
        await using var gateway = new Gateway(config);
        await gateway.StartAsync();
        await using RawConnection client = await RawConnection.OpenAsync(gateway.EndPointOf("web"));

        await client.SendAsync("POST /api/items?x=1 HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 5\r\n\r\nabcde");
        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);
        await client.SendAsync("GET /nowhere HTTP/1.0\r\nHost: shop.example\r\n\r\n");
        Assert.Equal(404, (await client.Reader.ReadResponseAsync())!.Status);

        string[] lines = await ReadLinesAsync(path, 2);
        Assert.Equal(2, lines.Length);
        using JsonDocument proxied = JsonDocument.Parse(lines[0]);
        JsonElement line = proxied.RootElement;
        Assert.Equal("127.0.0.1", line.GetProperty("client").GetString());
        Assert.Equal("POST", line.GetProperty("method").GetString());
        Assert.Equal("shop.example", line.GetProperty("host").GetString());
        Assert.Equal("/api/items?x=1", line.GetProperty("path").GetString());
        Assert.Equal("HTTP/1.1", line.GetProperty("protocol").GetString());
        Assert.Equal(200, line.GetProperty("status").GetInt32());
        Assert.Equal("web", line.GetProperty("entrypoint").GetString());
        Assert.Equal("api-router", line.GetProperty("router").GetString());
        Assert.Equal("api", line.GetProperty("service").GetString());
        Assert.Equal(origin.Url, line.GetProperty("upstream").GetString());
        Assert.Equal(200, line.GetProperty("upstream_status").GetInt32());
        Assert.True(line.GetProperty("bytes_in").GetInt64() > 5);
        Assert.True(line.GetProperty("bytes_out").GetInt64() > 5);

        using JsonDocument unrouted = JsonDocument.Parse(lines[1]);
        Assert.Equal(404, unrouted.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("HTTP/1.0", unrouted.RootElement.GetProperty("protocol").GetString());
        Assert.Equal(JsonValueKind.Null, unrouted.RootElement.GetProperty("router").ValueKind);
        Assert.Equal(JsonValueKind.Null, unrouted.RootElement.GetProperty("upstream_status").ValueKind);
        Assert.Equal(0, gateway.AccessLog!.DroppedLines);
        var metrics = new System.Buffers.ArrayBufferWriter<byte>();
        gateway.WriteMetrics(metrics);
        string text = System.Text.Encoding.UTF8.GetString(metrics.WrittenSpan);
        Assert.Contains("engine_access_log_lines_total{result=\"written\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("engine_access_log_lines_total{result=\"dropped\"} 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_SwitchesToCommonLogFormat_AndAnUnopenablePathIsRefused()
    {
        await using var origin = ScriptedOrigin.Fixed("hello");
        string jsonPath = Path.Combine(_directory, "json.log");
        string clfPath = Path.Combine(_directory, "clf.log");
        var config = new GatewayConfig
        {
            Entrypoints = [new EntrypointConfig("web", "127.0.0.1:0")],
            Services = [new ServiceConfig("api", [new DestinationConfig(origin.Url)])],
            Routers = [RouterConfig.CatchAll("all", "api")],
            AccessLog = new AccessLogConfig { Path = jsonPath },
        };
        await using var gateway = new Gateway(config);
        await gateway.StartAsync();

        ReloadResult refused = await gateway.ReloadAsync(config with { AccessLog = new AccessLogConfig { Path = Path.Combine(_directory, "missing-dir", "x.log") } });
        Assert.False(refused.Success);
        Assert.Contains("access_log.path", refused.Errors[0], StringComparison.Ordinal);

        ReloadResult applied = await gateway.ReloadAsync(config with { AccessLog = new AccessLogConfig { Path = clfPath, Format = "common" } });
        Assert.True(applied.Success, string.Join("\n", applied.Errors));
        (_, string body, _) = await TestTools.CurlAsync($"http://{gateway.EndPointOf("web")}/x");
        Assert.Equal("hello", body);

        string[] lines = await ReadLinesAsync(clfPath, 1);
        Assert.Matches("^127\\.0\\.0\\.1 - - \\[[^\\]]+ \\+0000\\] \"GET /x HTTP/1\\.1\" 200 [0-9]+$", Assert.Single(lines));
    }
}
