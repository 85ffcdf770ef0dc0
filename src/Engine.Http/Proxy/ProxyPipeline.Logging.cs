using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Engine.Http.Logging;

namespace Engine.Http.Proxy;

internal sealed partial class ProxyPipeline
{
    /// <summary>
    /// :: logging — records the finished exchange in the entrypoint's, router's and service's
    /// counters and the access log. Runs once per request on the downstream's own flow, whatever
    /// ended it (a response, an error, a rejected head): plain field reads, lock-free adds, and a
    /// queued log line.
    /// </summary>
    public void Log(ProxyExchange exchange)
    {
        ref ExchangeFacts facts = ref exchange.Facts;
        if (facts.StartTimestamp == 0)
        {
            return;
        }

        long elapsed = Stopwatch.GetTimestamp() - facts.StartTimestamp;
        int status = facts.Status;
        long bytesIn = facts.RequestBytes;
        long bytesOut = facts.ResponseBytes;
        entrypoint.RequestMetrics.Record(status, elapsed, bytesIn, bytesOut);
        RouteModel? route = exchange.Route;
        if (route is not null)
        {
            route.Metrics.Record(status, elapsed, bytesIn, bytesOut);
            route.Service.Metrics.Record(status, elapsed, bytesIn, bytesOut);
        }

        if (entrypoint.AccessLog is { } log)
        {
            ReadOnlySpan<byte> scratch = exchange.LogScratch;
            int hostStart = facts.MethodLength;
            int targetStart = hostStart + facts.HostLength;
            log.Write(new AccessLogRecord
            {
                Time = facts.StartTime == default ? DateTimeOffset.UtcNow : facts.StartTime,
                ClientAddress = exchange.Downstream.ClientAddress,
                Method = scratch.Slice(0, facts.MethodLength),
                Host = scratch.Slice(hostStart, facts.HostLength),
                Target = scratch.Slice(targetStart, facts.TargetLength),
                Protocol = facts.MethodLength == 0 ? default : facts.Http10 ? "HTTP/1.0"u8 : "HTTP/1.1"u8,
                Status = status,
                BytesIn = bytesIn,
                BytesOut = bytesOut,
                Duration = Stopwatch.GetElapsedTime(0, elapsed),
                Entrypoint = entrypoint.Config.Name,
                Router = route?.Name,
                Service = route?.Service.Name,
                UpstreamAddress = exchange.Destination?.Name,
                UpstreamStatus = facts.UpstreamStatus,
            });
        }

        if (route is not null && entrypoint.Log.IsDebugEnabled)
        {
            LogRequestRouted(exchange, route, status, elapsed);
        }

        facts.StartTimestamp = 0;
    }

    // The debug lines live out of line: with debug off, a request pays one level check and
    // never reaches the strings they build.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void LogRequestRouted(ProxyExchange exchange, RouteModel route, int status, long elapsed) =>
        entrypoint.Log.RequestRouted(
            entrypoint.Config.Name,
            route.Name,
            route.Service.Name,
            exchange.Destination?.Name ?? "none",
            status,
            Stopwatch.GetElapsedTime(0, elapsed).TotalMilliseconds);

    /// <summary>Called while the head is still held (the 404 has not been sent), so its spans are valid.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void LogNoRouterMatched(HttpRequestHead request) =>
        entrypoint.Log.NoRouterMatched(
            entrypoint.Config.Name,
            request.Authority.IsEmpty ? "(none)" : Encoding.Latin1.GetString(request.Authority),
            Encoding.Latin1.GetString(request.Path));
}
