using Engine.Core.Metrics;
using Engine.Http.Proxy;

namespace Engine.Host.Metrics;

/// <summary>The per-label-set request families: <c>engine_{entrypoint,router,service}_*</c>.</summary>
public static partial class GatewayMetricsExporter
{
    // Label names in the order RequestMetrics.LabelValues holds the values (ProxyMetrics.For*).
    private static readonly string[] s_entrypointLabels = ["entrypoint"];
    private static readonly string[] s_routerLabels = ["router", "service"];
    private static readonly string[] s_serviceLabels = ["service"];

    /// <summary>
    /// Writes the four families of one scope, e.g. for routers:
    /// <c>engine_router_requests_total{router,service,code_class}</c>,
    /// <c>engine_router_request_duration_seconds{router,service}</c> (histogram),
    /// <c>engine_router_request_bytes_total</c> and <c>engine_router_response_bytes_total</c>.
    /// A scope with no label set yet writes nothing (a family without series says nothing).
    /// </summary>
    private static void WriteRequestFamilies(PrometheusTextWriter writer, string scope, string[] labelNames, IEnumerable<RequestMetrics> source)
    {
        RequestMetrics[] sets = [.. source];
        if (sets.Length == 0)
        {
            return;
        }
        Array.Sort(sets, CompareLabelValues);

        // One label array reused for every series: the writer reads the span and keeps nothing.
        var labels = new MetricLabel[labelNames.Length + 1];
        Span<MetricLabel> setLabels = labels.AsSpan(0, labelNames.Length);

        writer.BeginFamily($"engine_{scope}_requests_total", MetricType.Counter,
            $"Requests answered, per {scope}, by status class of the response.");
        foreach (RequestMetrics set in sets)
        {
            FillLabels(setLabels, labelNames, set);
            for (int statusClass = 1; statusClass <= 5; statusClass++)
            {
                labels[^1] = new MetricLabel("code_class", s_codeClasses[statusClass]);
                writer.WriteSample(set.Responses(statusClass), labels);
            }
        }

        writer.BeginFamily($"engine_{scope}_request_duration_seconds", MetricType.Histogram,
            $"Request durations in seconds, as the proxy measured them, per {scope}.");
        foreach (RequestMetrics set in sets)
        {
            FillLabels(setLabels, labelNames, set);
            writer.WriteHistogram(set.Duration, setLabels);
        }

        writer.BeginFamily($"engine_{scope}_request_bytes_total", MetricType.Counter,
            $"Bytes received from clients in requests, per {scope}.");
        foreach (RequestMetrics set in sets)
        {
            FillLabels(setLabels, labelNames, set);
            writer.WriteSample(set.BytesIn, setLabels);
        }

        writer.BeginFamily($"engine_{scope}_response_bytes_total", MetricType.Counter,
            $"Bytes sent to clients in responses, per {scope}.");
        foreach (RequestMetrics set in sets)
        {
            FillLabels(setLabels, labelNames, set);
            writer.WriteSample(set.BytesOut, setLabels);
        }
    }

    private static void FillLabels(Span<MetricLabel> labels, string[] names, RequestMetrics set)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = new MetricLabel(names[i], set.LabelValues[i]);
        }
    }

    private static int CompareLabelValues(RequestMetrics a, RequestMetrics b)
    {
        for (int i = 0; i < a.LabelValues.Count && i < b.LabelValues.Count; i++)
        {
            int order = string.CompareOrdinal(a.LabelValues[i], b.LabelValues[i]);
            if (order != 0)
            {
                return order;
            }
        }
        return a.LabelValues.Count.CompareTo(b.LabelValues.Count);
    }
}
