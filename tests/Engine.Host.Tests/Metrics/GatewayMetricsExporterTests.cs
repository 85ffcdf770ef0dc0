using System.Buffers;
using System.Diagnostics;
using System.Text;
using Engine.Host.Metrics;
using Engine.Http.Http1;
using Engine.Http.Proxy;

namespace Engine.Host.Tests.Metrics;

public sealed class GatewayMetricsExporterTests
{
    private static readonly long s_threeMilliseconds = Stopwatch.Frequency * 3 / 1000;
    private static readonly long s_twoSeconds = Stopwatch.Frequency * 2;

    [Fact]
    public void Write_RecordedRequests_RendersEntrypointRouterAndServiceFamilies()
    {
        var metrics = new ProxyMetrics();
        foreach (RequestMetrics set in new[] { metrics.ForEntrypoint("web"), metrics.ForRouter("api", "backend"), metrics.ForService("backend") })
        {
            set.Record(200, s_threeMilliseconds, 100, 2000);
            set.Record(503, s_twoSeconds, 50, 0);
        }

        string[] lines = Export(metrics);

        Assert.Contains("engine_entrypoint_requests_total{entrypoint=\"web\",code_class=\"2xx\"} 1", lines);
        Assert.Contains("engine_entrypoint_requests_total{entrypoint=\"web\",code_class=\"4xx\"} 0", lines);
        Assert.Contains("engine_entrypoint_requests_total{entrypoint=\"web\",code_class=\"5xx\"} 1", lines);
        Assert.Contains("engine_entrypoint_request_duration_seconds_bucket{entrypoint=\"web\",le=\"0.0025\"} 0", lines);
        Assert.Contains("engine_entrypoint_request_duration_seconds_bucket{entrypoint=\"web\",le=\"0.005\"} 1", lines);
        Assert.Contains("engine_entrypoint_request_duration_seconds_bucket{entrypoint=\"web\",le=\"2.5\"} 2", lines);
        Assert.Contains("engine_entrypoint_request_duration_seconds_bucket{entrypoint=\"web\",le=\"+Inf\"} 2", lines);
        Assert.Contains("engine_entrypoint_request_duration_seconds_count{entrypoint=\"web\"} 2", lines);
        Assert.Contains("engine_entrypoint_request_bytes_total{entrypoint=\"web\"} 150", lines);
        Assert.Contains("engine_entrypoint_response_bytes_total{entrypoint=\"web\"} 2000", lines);
        Assert.Contains("engine_router_requests_total{router=\"api\",service=\"backend\",code_class=\"5xx\"} 1", lines);
        Assert.Contains("engine_router_request_duration_seconds_count{router=\"api\",service=\"backend\"} 2", lines);
        Assert.Contains("engine_router_response_bytes_total{router=\"api\",service=\"backend\"} 2000", lines);
        Assert.Contains("engine_service_requests_total{service=\"backend\",code_class=\"2xx\"} 1", lines);
        Assert.Contains("engine_service_request_bytes_total{service=\"backend\"} 150", lines);
        double sum = double.Parse(lines.Single(l => l.StartsWith("engine_service_request_duration_seconds_sum{", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(2.003, sum, precision: 6);
    }

    [Fact]
    public void Write_AcceptErrors_RendersEveryReasonPerEntrypoint_SortedByEntrypoint()
    {
        var metrics = new ProxyMetrics();
        metrics.ForAcceptErrors("web").Record(Engine.Core.Transport.AcceptErrorReason.FileDescriptors);
        metrics.ForAcceptErrors("web").Record(Engine.Core.Transport.AcceptErrorReason.FileDescriptors);
        metrics.ForAcceptErrors("api").Record(Engine.Core.Transport.AcceptErrorReason.ConnectionAborted);

        string[] lines = Export(metrics);

        string[] series = [.. lines.Where(l => l.StartsWith("engine_accept_errors_total{", StringComparison.Ordinal))];
        Assert.Equal(
        [
            "engine_accept_errors_total{entrypoint=\"api\",reason=\"file_descriptors\"} 0",
            "engine_accept_errors_total{entrypoint=\"api\",reason=\"memory\"} 0",
            "engine_accept_errors_total{entrypoint=\"api\",reason=\"connection_aborted\"} 1",
            "engine_accept_errors_total{entrypoint=\"api\",reason=\"other\"} 0",
            "engine_accept_errors_total{entrypoint=\"web\",reason=\"file_descriptors\"} 2",
            "engine_accept_errors_total{entrypoint=\"web\",reason=\"memory\"} 0",
            "engine_accept_errors_total{entrypoint=\"web\",reason=\"connection_aborted\"} 0",
            "engine_accept_errors_total{entrypoint=\"web\",reason=\"other\"} 0",
        ], series);
    }

    [Fact]
    public void Write_NoEntrypoint_WritesNoAcceptErrorFamily()
    {
        Assert.DoesNotContain(Export(new ProxyMetrics()), l => l.Contains("engine_accept_errors_total", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_ProxyCounters_RendersGlobalFamiliesWithSnakeCaseLabels()
    {
        var metrics = new ProxyMetrics();
        metrics.OnConnectionOpened();
        metrics.OnConnectionOpened();
        metrics.OnConnectionClosed();
        metrics.OnRequest();
        metrics.OnResponse(404);
        metrics.OnRejected(RequestRejectionReason.ContentLengthWithTransferEncoding);
        metrics.OnUpstreamError(UpstreamErrorKind.ConnectRefused);
        metrics.OnUpstreamError(UpstreamErrorKind.ConnectRefused);
        metrics.OnRetry();
        metrics.OnClientAbort();

        string[] lines = Export(metrics);

        Assert.Contains("engine_requests_total 1", lines);
        Assert.Contains("engine_responses_total{code_class=\"4xx\"} 1", lines);
        Assert.Contains("engine_connections_accepted_total 2", lines);
        Assert.Contains("engine_open_connections 1", lines);
        Assert.Contains("engine_request_rejections_total{reason=\"content_length_with_transfer_encoding\"} 1", lines);
        Assert.Contains("engine_request_rejections_total{reason=\"bare_line_feed\"} 0", lines);
        Assert.DoesNotContain(lines, l => l.Contains("reason=\"none\"", StringComparison.Ordinal));
        Assert.Contains("engine_upstream_errors_total{kind=\"connect_refused\"} 2", lines);
        Assert.Contains("engine_upstream_errors_total{kind=\"reset_before_response\"} 0", lines);
        Assert.Contains("engine_upstream_retries_total 1", lines);
        Assert.Contains("engine_client_aborts_total 1", lines);
    }

    [Fact]
    public void Write_MiddlewareCounters_RendersRequestsAndAnsweredByMiddlewareAndType()
    {
        var metrics = new ProxyMetrics();
        Engine.Http.Middlewares.MiddlewareMetrics strip = metrics.ForMiddleware("strip", "strip-prefix");
        Engine.Http.Middlewares.MiddlewareMetrics headers = metrics.ForMiddleware("h", "headers");
        for (int i = 0; i < 3; i++)
        {
            strip.OnRequest();
        }
        headers.OnRequest();
        headers.OnAnswered();
        // A reload that gives a name another type keeps both series.
        metrics.ForMiddleware("strip", "add-prefix").OnRequest();

        string[] lines = Export(metrics);

        Assert.Contains("# TYPE engine_middleware_requests_total counter", lines);
        Assert.Contains("# TYPE engine_middleware_answered_total counter", lines);
        Assert.Contains(lines, l => l.StartsWith("# HELP engine_middleware_requests_total ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("# HELP engine_middleware_answered_total ", StringComparison.Ordinal));
        string[] requests = [.. lines.Where(l => l.StartsWith("engine_middleware_requests_total{", StringComparison.Ordinal))];
        string[] answered = [.. lines.Where(l => l.StartsWith("engine_middleware_answered_total{", StringComparison.Ordinal))];
        // Sorted by middleware, then type.
        Assert.Equal(
            [
                "engine_middleware_requests_total{middleware=\"h\",type=\"headers\"} 1",
                "engine_middleware_requests_total{middleware=\"strip\",type=\"add-prefix\"} 1",
                "engine_middleware_requests_total{middleware=\"strip\",type=\"strip-prefix\"} 3",
            ], requests);
        Assert.Equal(
            [
                "engine_middleware_answered_total{middleware=\"h\",type=\"headers\"} 1",
                "engine_middleware_answered_total{middleware=\"strip\",type=\"add-prefix\"} 0",
                "engine_middleware_answered_total{middleware=\"strip\",type=\"strip-prefix\"} 0",
            ], answered);
    }

    [Fact]
    public void Write_WithoutMiddlewares_WritesNoMiddlewareFamilies()
    {
        string[] lines = Export(new ProxyMetrics());

        Assert.DoesNotContain(lines, l => l.Contains("engine_middleware_", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_WithoutRecordedLabelSets_WritesNoEmptyRequestFamilies()
    {
        string[] lines = Export(new ProxyMetrics());

        Assert.DoesNotContain(lines, l => l.Contains("engine_entrypoint_", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("engine_upstream_pool_connections", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_Reloads_RendersCountsByResultAndLastSuccessTimestamp()
    {
        var clock = new FixedTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250));
        var reloads = new ReloadMetrics(clock);
        reloads.OnReload(true);
        reloads.OnReload(false);

        string[] lines = Export(new ProxyMetrics(), reloads);

        Assert.Contains("engine_config_reloads_total{result=\"success\"} 1", lines);
        Assert.Contains("engine_config_reloads_total{result=\"failure\"} 1", lines);
        Assert.Contains("engine_config_last_reload_success_timestamp_seconds 1700000000.25", lines);
    }

    [Fact]
    public void Write_BeforeAnyReload_ReportsTimestampZero()
    {
        string[] lines = Export(new ProxyMetrics());

        Assert.Contains("engine_config_last_reload_success_timestamp_seconds 0", lines);
    }

    [Fact]
    public void Write_ProcessAndRuntime_RendersStandardFamiliesWithLiveValues()
    {
        string[] lines = Export(new ProxyMetrics());

        Assert.True(Value(lines, "process_resident_memory_bytes") > 1 << 20);
        Assert.True(Value(lines, "process_virtual_memory_bytes") >= Value(lines, "process_resident_memory_bytes"));
        Assert.True(Value(lines, "process_open_fds") >= 3);
        Assert.True(Value(lines, "process_cpu_seconds_total") > 0);
        double started = Value(lines, "process_start_time_seconds");
        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.InRange(started, now - 24 * 3600, now + 1);
        if (File.Exists("/proc/self/limits"))
        {
            Assert.True(Value(lines, "process_max_fds") >= Value(lines, "process_open_fds"));
        }
        Assert.Contains(lines, l => l.StartsWith("dotnet_gc_collections_total{generation=\"2\"} ", StringComparison.Ordinal));
        Assert.True(Value(lines, "dotnet_gc_allocated_bytes_total") > 0);
        Assert.True(Value(lines, "dotnet_gc_heap_size_bytes") > 0);
        Assert.True(Value(lines, "dotnet_threadpool_threads") >= 0);
        Assert.True(Value(lines, "dotnet_threadpool_queue_length") >= 0);
        Assert.True(Value(lines, "dotnet_gc_pause_seconds_total") >= 0);
        Assert.Contains(lines, l => l.StartsWith("engine_build_info{version=\"", StringComparison.Ordinal) && l.Contains("runtime=\".NET ", StringComparison.Ordinal) && l.EndsWith("} 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_BuildInfo_SaysTheVersionThatEngineVersionPrints()
    {
        string[] lines = Export(new ProxyMetrics());

        Assert.Contains($"engine_build_info{{version=\"{BuildInfo.Version}\",runtime=\"{BuildInfo.Runtime}\"}} 1", lines);
        Assert.Equal($"engine {BuildInfo.Version} ({BuildInfo.Runtime}, JIT)", BuildInfo.Describe());
    }

    [Fact]
    public void Write_EveryFamily_HasHelpThenTypeOnceAndContiguousSamples()
    {
        var metrics = new ProxyMetrics();
        metrics.ForEntrypoint("web").Record(200, 1, 1, 1);
        metrics.ForEntrypoint("admin").Record(200, 1, 1, 1);
        metrics.ForRouter("r", "s").Record(200, 1, 1, 1);
        metrics.ForService("s").Record(200, 1, 1, 1);
        metrics.ForMiddleware("m", "headers").OnRequest();
        metrics.ForMiddleware("a", "add-prefix").OnRequest();

        string[] lines = Export(metrics);

        var families = new HashSet<string>();
        string? family = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                family = line.Split(' ')[2];
                Assert.True(families.Add(family), $"family {family} written twice");
                Assert.StartsWith($"# TYPE {family} ", lines[i + 1]);
                i++;
                continue;
            }
            string name = line[..line.IndexOfAny(['{', ' '])];
            Assert.True(family is not null && (name == family || name == family + "_bucket" || name == family + "_sum" || name == family + "_count"),
                $"sample {name} outside its family (current: {family})");
        }
        Assert.Contains("engine_entrypoint_request_duration_seconds", families);
        Assert.Contains("dotnet_threadpool_queue_length", families);
        Assert.Contains("engine_middleware_requests_total", families);
        Assert.Contains("engine_middleware_answered_total", families);
        // Series sorted by label value: admin before web.
        Assert.True(Array.FindIndex(lines, l => l.Contains("entrypoint=\"admin\"", StringComparison.Ordinal)) < Array.FindIndex(lines, l => l.Contains("entrypoint=\"web\"", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("ConnectRefused", "connect_refused")]
    [InlineData("ContentLengthWithTransferEncoding", "content_length_with_transfer_encoding")]
    [InlineData("UnrecognizedHttpVersion", "unrecognized_http_version")]
    [InlineData("InvalidHTTPVersion", "invalid_http_version")]
    [InlineData("Http2Error", "http2_error")]
    [InlineData("X", "x")]
    public void ToSnakeCase_PascalCaseName_BecomesLowerSnakeCase(string name, string expected)
    {
        Assert.Equal(expected, GatewayMetricsExporter.ToSnakeCase(name));
    }

    internal static string[] Export(ProxyMetrics metrics, ReloadMetrics? reloads = null, ProxySnapshot? snapshot = null)
    {
        var output = new ArrayBufferWriter<byte>();
        GatewayMetricsExporter.Write(output, metrics, snapshot, reloads ?? new ReloadMetrics());
        string text = Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.EndsWith("\n", text);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static double Value(string[] lines, string name) =>
        double.Parse(lines.Single(l => l.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
