using System.Buffers;
using System.Diagnostics;
using Engine.Host.Metrics;
using Engine.Core.Configuration;
using Engine.Host.Tests.Proxy;
using Engine.Http.Proxy;
using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Metrics;

/// <summary>
/// The exporter's whole output from a running gateway, judged by Prometheus's own linter
/// (<c>promtool check metrics</c>, Debian package <c>prometheus</c>): it must parse and raise no
/// lint problem (missing HELP, counters without <c>_total</c>, non-base units, duplicates).
/// </summary>
public sealed class PromtoolTests
{
    private const string Promtool = "/usr/bin/promtool";

    [Fact]
    public async Task CheckMetrics_LiveScrapeOfTheAdminEndpoint_PassesWithNoLintProblems()
    {
        string? missing = TestTools.EnsurePackage("prometheus", Promtool);
        Assert.True(missing is null, missing);

        await using var origin = ScriptedOrigin.Fixed();
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url], admin: new AdminConfig { Address = "127.0.0.1:0" });
        using (var client = new HttpClient())
        {
            for (int i = 0; i < 5; i++)
            {
                using HttpResponseMessage response = await client.GetAsync($"{proxy.Url}/hello/{i}");
                Assert.Equal(200, (int)response.StatusCode);
            }
        }
        await using (RawConnection smuggler = await RawConnection.OpenAsync(proxy.EndPoint))
        {
            await smuggler.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n");
            Assert.Equal(400, (await smuggler.Reader.ReadResponseAsync())!.Status);
        }
        ReloadResult refused = await proxy.Gateway.ReloadAsync(proxy.Gateway.Config with { Routers = [new("bad", "Nope()", "origin")] });
        Assert.False(refused.Success);

        (int curlExit, string text, string curlError) = await TestTools.CurlAsync($"-s http://{proxy.Gateway.AdminEndPoint}/metrics");
        Assert.True(curlExit == 0, curlError);

        Assert.Contains("engine_router_requests_total{router=\"all\",service=\"origin\",code_class=\"2xx\"} 5", text);
        Assert.Contains("engine_service_requests_total{service=\"origin\",code_class=\"2xx\"} 5", text);
        Assert.Contains("engine_entrypoint_requests_total{entrypoint=\"web\",code_class=\"4xx\"} 1", text);
        Assert.Contains($"engine_upstream_pool_connections{{service=\"origin\",destination=\"{origin.Url}\",state=\"open\"}} 1", text);
        Assert.Contains("engine_request_rejections_total{reason=\"content_length_with_transfer_encoding\"} 1", text);
        Assert.Contains("engine_config_reloads_total{result=\"failure\"} 1", text);
        (int exitCode, string printed) = await CheckMetricsAsync(System.Text.Encoding.UTF8.GetBytes(text));
        Assert.True(exitCode == 0 && printed.Length == 0, $"promtool exited {exitCode}:\n{printed}\n--- input ---\n{text}");
    }

    [Fact]
    public async Task CheckMetrics_WithMiddlewareFamilies_PassesWithNoLintProblems()
    {
        string? missing = TestTools.EnsurePackage("prometheus", Promtool);
        Assert.True(missing is null, missing);

        var metrics = new ProxyMetrics();
        metrics.ForMiddleware("strip", "strip-prefix").OnRequest();
        metrics.ForMiddleware("h", "headers").OnRequest();
        metrics.ForMiddleware("h", "headers").OnAnswered();
        var output = new ArrayBufferWriter<byte>();
        GatewayMetricsExporter.Write(output, metrics, snapshot: null, new ReloadMetrics());
        string text = System.Text.Encoding.UTF8.GetString(output.WrittenSpan);

        Assert.Contains("engine_middleware_requests_total{middleware=\"strip\",type=\"strip-prefix\"} 1", text);
        Assert.Contains("engine_middleware_answered_total{middleware=\"h\",type=\"headers\"} 1", text);
        (int exitCode, string printed) = await CheckMetricsAsync(output.WrittenMemory);
        Assert.True(exitCode == 0 && printed.Length == 0, $"promtool exited {exitCode}:\n{printed}\n--- input ---\n{text}");
    }

    /// <summary>
    /// Pipes <paramref name="exposition"/> into <c>promtool check metrics</c>; returns its exit code
    /// and everything it printed. Asynchronous all the way: on Unix the process's pipes complete
    /// on the socket engine, which this test host runs inline on one thread (engine.runsettings),
    /// so blocking here on a pipe read would wait for the very thread it blocks.
    /// </summary>
    private static async Task<(int ExitCode, string Printed)> CheckMetricsAsync(ReadOnlyMemory<byte> exposition)
    {
        var info = new ProcessStartInfo(Promtool, "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        Task<string> stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.StandardInput.BaseStream.WriteAsync(exposition, timeout.Token);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("promtool check metrics did not finish in 60 s.");
        }
        return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
    }
}
