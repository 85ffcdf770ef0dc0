using System.Buffers;
using System.Diagnostics;
using Engine.Core.LoadBalancing;
using Engine.Http.Logging;

namespace Engine.Http.Proxy;

internal sealed partial class Http1ServerConnection
{
    /// <summary>Starts the facts of a new request: its clock and the bytes of its head.</summary>
    private void BeginExchange(long requestBytes)
    {
        _exchange = default;
        _exchange.StartTimestamp = Stopwatch.GetTimestamp();
        _exchange.RequestHeadBytes = requestBytes;
        _exchange.RequestBytes = requestBytes;
    }

    /// <summary>
    /// Keeps what the access log needs from the head (method, host, target) before the head's
    /// bytes are let go mid-exchange: one copy into a per-connection buffer, reused.
    /// </summary>
    private void CaptureForAccessLog(HttpRequestHead head)
    {
        _exchange.StartTime = DateTimeOffset.UtcNow;
        _exchange.Http10 = head.Version == HttpVersion.Http10;
        int length = head.MethodLength + head.AuthorityLength + head.TargetLength;
        ReturnLogScratch();
        _logScratch = ArrayPool<byte>.Shared.Rent(Math.Max(length, 256));

        Span<byte> scratch = _logScratch;
        head.MethodBytes.CopyTo(scratch);
        head.Authority.CopyTo(scratch[head.MethodLength..]);
        head.Target.CopyTo(scratch[(head.MethodLength + head.AuthorityLength)..]);
        _exchange.MethodLength = head.MethodLength;
        _exchange.HostLength = head.AuthorityLength;
        _exchange.TargetLength = head.TargetLength;
    }

    /// <summary>
    /// Records the finished request in the entrypoint's, router's and service's counters and the
    /// access log. Runs once per request on the connection's own flow: plain field reads,
    /// lock-free adds, and a queued log line.
    /// </summary>
    private void CompleteExchange()
    {
        if (_exchange.StartTimestamp == 0)
        {
            return;
        }

        long elapsed = Stopwatch.GetTimestamp() - _exchange.StartTimestamp;
        int status = _exchange.Status;
        long bytesIn = _exchange.RequestBytes;
        long bytesOut = _exchange.ResponseBytes + _exchange.ResponseBodyBytes;
        _entrypoint.RequestMetrics.Record(status, elapsed, bytesIn, bytesOut);
        RouteModel? route = _exchange.Route;
        if (route is not null)
        {
            route.Metrics.Record(status, elapsed, bytesIn, bytesOut);
            route.Service.Metrics.Record(status, elapsed, bytesIn, bytesOut);
        }

        if (_entrypoint.AccessLog is { } log)
        {
            ReadOnlySpan<byte> scratch = _logScratch ?? [];
            int hostStart = _exchange.MethodLength;
            int targetStart = hostStart + _exchange.HostLength;
            log.Write(new AccessLogRecord
            {
                Time = _exchange.StartTime == default ? DateTimeOffset.UtcNow : _exchange.StartTime,
                ClientAddress = ClientAddress,
                Method = scratch.Slice(0, _exchange.MethodLength),
                Host = scratch.Slice(hostStart, _exchange.HostLength),
                Target = scratch.Slice(targetStart, _exchange.TargetLength),
                Protocol = _exchange.MethodLength == 0 ? default : _exchange.Http10 ? "HTTP/1.0"u8 : "HTTP/1.1"u8,
                Status = status,
                BytesIn = bytesIn,
                BytesOut = bytesOut,
                Duration = Stopwatch.GetElapsedTime(0, elapsed),
                Entrypoint = _entrypoint.Config.Name,
                Router = route?.Name,
                Service = route?.Service.Name,
                UpstreamAddress = _exchange.Destination?.Name,
                UpstreamStatus = _exchange.UpstreamStatus,
            });
        }

        _exchange.StartTimestamp = 0;
        _exchange.Route = null;
        _exchange.Destination = null;
        ReturnLogScratch();
    }

    /// <summary>Between requests the connection holds no log buffer (idle connections stay small).</summary>
    private void ReturnLogScratch()
    {
        if (_logScratch is not null)
        {
            ArrayPool<byte>.Shared.Return(_logScratch);
            _logScratch = null;
        }
    }

    /// <summary>What one request did, gathered as it happens.</summary>
    private struct ExchangeFacts
    {
        public long StartTimestamp;
        public DateTimeOffset StartTime;
        public long RequestHeadBytes;

        /// <summary>Head plus request body bytes read from the client.</summary>
        public long RequestBytes;

        /// <summary>Response head bytes and Content-Length or until-close body bytes sent.</summary>
        public long ResponseBytes;

        /// <summary>Chunked response payload bytes (the decoder counts them).</summary>
        public long ResponseBodyBytes;

        public int Status;
        public int UpstreamStatus;
        public RouteModel? Route;
        public DestinationState? Destination;

        // Lengths of method, host and target in the connection's log scratch, in that order.
        public int MethodLength;
        public int HostLength;
        public int TargetLength;
        public bool Http10;
    }
}
