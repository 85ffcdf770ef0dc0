using System.Buffers;
using Engine.Core.Connections;
using Engine.Core.Metrics;
using Engine.Core.Transport;
using Engine.Http.Http1;
using Engine.Http.Logging;
using Engine.Http.Proxy;

namespace Engine.Host.Metrics;

/// <summary>
/// Renders everything the engine counts as Prometheus text (format 0.0.4): the data path's
/// counters from <see cref="ProxyMetrics"/>, per entrypoint, router, service and middleware; upstream pools
/// from the current <see cref="ProxySnapshot"/>; config reloads; build info; and the process's
/// and .NET runtime's standard metrics. The admin server's <c>/metrics</c> calls
/// <see cref="Write"/> per scrape and answers with <see cref="PrometheusTextWriter.ContentType"/>.
/// </summary>
/// <remarks>
/// Families are written in a fixed order and series sorted by label values, so two scrapes of an
/// idle engine differ only in values. Everything here is plain reads of counters: no reflection,
/// nothing the trimmer or native AOT could miss.
/// </remarks>
public static partial class GatewayMetricsExporter
{
    /// <summary>"1xx" .. "5xx" at index 1 .. 5.</summary>
    private static readonly string[] s_codeClasses = ["0xx", "1xx", "2xx", "3xx", "4xx", "5xx"];

    // Label values for the enums, computed once: snake_case of the member names.
    private static readonly (RequestRejectionReason Reason, string Label)[] s_rejectionReasons =
        [.. Enum.GetValues<RequestRejectionReason>().Where(r => r != RequestRejectionReason.None).Select(r => (r, ToSnakeCase(r.ToString())))];

    private static readonly (AcceptErrorReason Reason, string Label)[] s_acceptErrorReasons =
        [.. Enum.GetValues<AcceptErrorReason>().Select(r => (r, ToSnakeCase(r.ToString())))];

    private static readonly (UpstreamErrorKind Kind, string Label)[] s_upstreamErrorKinds =
        [.. Enum.GetValues<UpstreamErrorKind>().Select(k => (k, ToSnakeCase(k.ToString())))];

    /// <summary>
    /// Writes every family, UTF-8, into <paramref name="output"/>. The output is an
    /// <see cref="IBufferWriter{T}"/> rather than a <see cref="TextWriter"/>: the text goes as
    /// bytes straight into a response's <c>PipeWriter</c> (or an <see cref="ArrayBufferWriter{T}"/>),
    /// with no string building and no encoder in between. Safe to call from several threads at once.
    /// </summary>
    /// <param name="snapshot">The current snapshot, for upstream pool gauges; null before start (no pool series then).</param>
    /// <param name="accessLog">The access log in use, for its line counters; null when it is off.</param>
    public static void Write(IBufferWriter<byte> output, ProxyMetrics metrics, ProxySnapshot? snapshot, ReloadMetrics reloads, AccessLogWriter? accessLog = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(reloads);

        var writer = new PrometheusTextWriter(output);
        WriteProxyFamilies(writer, metrics);
        WriteRequestFamilies(writer, "entrypoint", s_entrypointLabels, metrics.Entrypoints);
        WriteRequestFamilies(writer, "router", s_routerLabels, metrics.Routers);
        WriteRequestFamilies(writer, "service", s_serviceLabels, metrics.Services);
        WriteMiddlewareFamilies(writer, metrics);
        if (snapshot is not null)
        {
            WritePoolFamily(writer, snapshot);
        }
        WriteReloadFamilies(writer, reloads);
        if (accessLog is not null)
        {
            // A reload that changes the access log opens a new writer: these restart from 0 then,
            // which Prometheus's rate() reads as a counter reset.
            writer.BeginFamily("engine_access_log_lines_total", MetricType.Counter, "Access log lines, by result: written to the sink, or dropped (queue full or sink failing).");
            writer.WriteSample(accessLog.WrittenLines, new MetricLabel("result", "written"));
            writer.WriteSample(accessLog.DroppedLines, new MetricLabel("result", "dropped"));
            Counter(writer, "engine_access_log_write_errors_total", "Failed writes, flushes or reopens of the access log sink.", accessLog.WriteErrors);
        }
        writer.BeginFamily("engine_build_info", MetricType.Gauge, "Always 1; the labels say which engine build and .NET runtime are running.");
        writer.WriteSample(1L, new MetricLabel("version", BuildInfo.Version), new MetricLabel("runtime", BuildInfo.Runtime));
        WriteProcessFamilies(writer);
        WriteRuntimeFamilies(writer);
    }

    private static void WriteProxyFamilies(PrometheusTextWriter writer, ProxyMetrics metrics)
    {
        Counter(writer, "engine_requests_total", "HTTP requests read from clients, on every entrypoint.", metrics.Requests);

        writer.BeginFamily("engine_responses_total", MetricType.Counter, "HTTP responses sent to clients, by status class, on every entrypoint.");
        for (int statusClass = 1; statusClass <= 5; statusClass++)
        {
            writer.WriteSample(metrics.Responses(statusClass), new MetricLabel("code_class", s_codeClasses[statusClass]));
        }

        Counter(writer, "engine_connections_accepted_total", "Client connections accepted, on every entrypoint.", metrics.ConnectionsAccepted);
        Gauge(writer, "engine_open_connections", "Client connections open now, on every entrypoint.", metrics.ConnectionsOpen);
        WriteAcceptErrorFamily(writer, metrics);

        writer.BeginFamily("engine_request_rejections_total", MetricType.Counter, "Requests rejected by the HTTP parser before forwarding, by reason; the connection is closed after the error response.");
        foreach ((RequestRejectionReason reason, string label) in s_rejectionReasons)
        {
            writer.WriteSample(metrics.Rejections(reason), new MetricLabel("reason", label));
        }

        writer.BeginFamily("engine_upstream_errors_total", MetricType.Counter, "Failed exchanges with upstream destinations, by kind.");
        foreach ((UpstreamErrorKind kind, string label) in s_upstreamErrorKinds)
        {
            writer.WriteSample(metrics.UpstreamErrors(kind), new MetricLabel("kind", label));
        }

        Counter(writer, "engine_upstream_retries_total", "Requests retried on a fresh upstream connection after a pooled one turned out closed.", metrics.Retries);
        Counter(writer, "engine_client_aborts_total", "Exchanges abandoned because the client went away.", metrics.ClientAborts);
    }

    private static void WriteAcceptErrorFamily(PrometheusTextWriter writer, ProxyMetrics metrics)
    {
        AcceptErrorCounters[] entrypoints = [.. metrics.AcceptErrors];
        if (entrypoints.Length == 0)
        {
            return;
        }
        Array.Sort(entrypoints, static (a, b) => string.CompareOrdinal(a.Entrypoint, b.Entrypoint));
        writer.BeginFamily("engine_accept_errors_total", MetricType.Counter,
            "Failed accepts of client connections, per entrypoint, by reason; every retry while accepting is paused counts.");
        foreach (AcceptErrorCounters counters in entrypoints)
        {
            var entrypoint = new MetricLabel("entrypoint", counters.Entrypoint);
            foreach ((AcceptErrorReason reason, string label) in s_acceptErrorReasons)
            {
                writer.WriteSample(counters[reason], entrypoint, new MetricLabel("reason", label));
            }
        }
    }

    private static void WritePoolFamily(PrometheusTextWriter writer, ProxySnapshot snapshot)
    {
        UpstreamPoolStats[] pools = [.. snapshot.GetUpstreamPools()];
        if (pools.Length == 0)
        {
            return;
        }
        Array.Sort(pools, static (a, b) =>
        {
            int byService = string.CompareOrdinal(a.Service, b.Service);
            return byService != 0 ? byService : string.CompareOrdinal(a.Destination, b.Destination);
        });

        writer.BeginFamily("engine_upstream_pool_connections", MetricType.Gauge,
            "Upstream connections per destination pool: state=\"open\" counts every open connection (leased or idle), state=\"idle\" those waiting for reuse.");
        foreach (UpstreamPoolStats pool in pools)
        {
            var service = new MetricLabel("service", pool.Service);
            var destination = new MetricLabel("destination", pool.Destination);
            writer.WriteSample(pool.OpenConnections, service, destination, new MetricLabel("state", "open"));
            writer.WriteSample(pool.IdleConnections, service, destination, new MetricLabel("state", "idle"));
        }
    }

    private static void WriteReloadFamilies(PrometheusTextWriter writer, ReloadMetrics reloads)
    {
        writer.BeginFamily("engine_config_reloads_total", MetricType.Counter, "Configuration loads, the initial one included, by result.");
        writer.WriteSample(reloads.Successes, new MetricLabel("result", "success"));
        writer.WriteSample(reloads.Failures, new MetricLabel("result", "failure"));

        writer.BeginFamily("engine_config_last_reload_success_timestamp_seconds", MetricType.Gauge,
            "Unix time of the last successful configuration load; 0 before the first.");
        writer.WriteSample(reloads.LastSuccess is { } last ? last.ToUnixTimeMilliseconds() / 1000.0 : 0.0);
    }

    private static void Counter(PrometheusTextWriter writer, string name, string help, long value)
    {
        writer.BeginFamily(name, MetricType.Counter, help);
        writer.WriteSample(value);
    }

    private static void Gauge(PrometheusTextWriter writer, string name, string help, long value)
    {
        writer.BeginFamily(name, MetricType.Gauge, help);
        writer.WriteSample(value);
    }

    /// <summary>PascalCase to snake_case, as Prometheus label values are conventionally written.</summary>
    internal static string ToSnakeCase(string name) => LabelValues.FromPascalCase(name);
}
