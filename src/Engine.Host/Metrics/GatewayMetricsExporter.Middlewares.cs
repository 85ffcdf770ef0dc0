using Engine.Core.Metrics;
using Engine.Http.Middlewares;
using Engine.Http.Proxy;

namespace Engine.Host.Metrics;

/// <summary>The per-middleware families: <c>engine_middleware_{requests,answered}_total</c>.</summary>
public static partial class GatewayMetricsExporter
{
    /// <summary>
    /// Writes <c>engine_middleware_requests_total{middleware,type}</c> (requests that entered the
    /// middleware) and <c>engine_middleware_answered_total{middleware,type}</c> (requests it
    /// answered itself, without going upstream). Series are sorted by middleware, then type (a
    /// reload may give a name another type; both series stay, as counters outlive snapshots).
    /// No middleware counted yet writes nothing, as for the other scoped families.
    /// </summary>
    private static void WriteMiddlewareFamilies(PrometheusTextWriter writer, ProxyMetrics metrics)
    {
        MiddlewareMetrics[] middlewares = [.. metrics.Middlewares];
        if (middlewares.Length == 0)
        {
            return;
        }
        Array.Sort(middlewares, static (a, b) =>
        {
            int byName = string.CompareOrdinal(a.Middleware, b.Middleware);
            return byName != 0 ? byName : string.CompareOrdinal(a.Type, b.Type);
        });

        writer.BeginFamily("engine_middleware_requests_total", MetricType.Counter,
            "Requests that entered each middleware of a router's chain (the entrypoint's defaults included).");
        foreach (MiddlewareMetrics middleware in middlewares)
        {
            writer.WriteSample(middleware.Requests, new MetricLabel("middleware", middleware.Middleware), new MetricLabel("type", middleware.Type));
        }

        writer.BeginFamily("engine_middleware_answered_total", MetricType.Counter,
            "Requests a middleware answered itself, so that they never went upstream.");
        foreach (MiddlewareMetrics middleware in middlewares)
        {
            writer.WriteSample(middleware.Answered, new MetricLabel("middleware", middleware.Middleware), new MetricLabel("type", middleware.Type));
        }
    }
}
