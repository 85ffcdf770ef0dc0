using System.Diagnostics;
using System.Text.Json;
using Engine.Core.Configuration;
using Engine.Host.Tests.Proxy;
using Engine.TestSupport.Net;
using Xunit;

namespace Engine.Host.Tests.Metrics;

/// <summary>
/// A real Prometheus server (Debian package <c>prometheus</c>) scrapes the engine's admin
/// endpoint with a bearer token; its query API must then report the target up and the proxied
/// requests counted by router.
/// </summary>
public sealed class PrometheusScrapeTests : IDisposable
{
    private const string PrometheusBinary = "/usr/bin/prometheus";
    private readonly string _directory = Directory.CreateTempSubdirectory("engine-prometheus-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task PrometheusServer_ScrapesTheAdminEndpoint_AndSeesRequestsByRouter()
    {
        string? missing = TestTools.EnsurePackage("prometheus", PrometheusBinary);
        Assert.True(missing is null, missing);

        await using var origin = ScriptedOrigin.Fixed();
        const string token = "scrape-secret";
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url], admin: new AdminConfig { Address = "127.0.0.1:0", Token = token });
        for (int i = 0; i < 7; i++)
        {
            (int exit, _, string error) = await TestTools.CurlAsync($"-s -o /dev/null {proxy.Url}/item/{i}");
            Assert.True(exit == 0, error);
        }

        int prometheusPort = TestTools.FreePort();
        string configPath = Path.Combine(_directory, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: engine
                metrics_path: /metrics
                authorization:
                  type: Bearer
                  credentials: {token}
                static_configs:
                  - targets: ['{proxy.Gateway.AdminEndPoint}']
            """);
        using Process prometheus = Process.Start(new ProcessStartInfo(PrometheusBinary,
            $"--config.file={configPath} --storage.tsdb.path={Path.Combine(_directory, "data")} --web.listen-address=127.0.0.1:{prometheusPort}")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        Task<string> prometheusLog = prometheus.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string up = "", requests = "";
            for (int attempt = 0; attempt < 120 && (up != "1" || requests != "7"); attempt++)
            {
                await Task.Delay(500);
                up = await QueryAsync(client, prometheusPort, "up{job=\"engine\"}") ?? "";
                requests = await QueryAsync(client, prometheusPort, "sum(engine_router_requests_total{router=\"all\",code_class=\"2xx\"})") ?? "";
            }

            Assert.True(up == "1", $"up = '{up}'");
            Assert.Equal("7", requests);
            Assert.Equal("1", await QueryAsync(client, prometheusPort, "engine_build_info"));
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
        }
        Assert.DoesNotContain("server returned HTTP status 401", await prometheusLog, StringComparison.Ordinal);
    }

    /// <summary>The value of the first sample of an instant query, or null when there is none (yet).</summary>
    private static async Task<string?> QueryAsync(HttpClient client, int port, string query)
    {
        try
        {
            string json = await client.GetStringAsync($"http://127.0.0.1:{port}/api/v1/query?query={Uri.EscapeDataString(query)}");
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement result = document.RootElement.GetProperty("data").GetProperty("result");
            return result.GetArrayLength() == 0 ? null : result[0].GetProperty("value")[1].GetString();
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet
        }
    }
}
