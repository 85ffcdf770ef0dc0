using System.Diagnostics;
using Engine.Core.LoadBalancing;

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
    /// Records the finished request in the entrypoint's, router's and service's counters. Runs
    /// once per request on the connection's own flow: plain field reads, lock-free adds.
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
        if (_exchange.Route is { } route)
        {
            route.Metrics.Record(status, elapsed, bytesIn, bytesOut);
            route.Service.Metrics.Record(status, elapsed, bytesIn, bytesOut);
        }

        _exchange.StartTimestamp = 0;
        _exchange.Route = null;
        _exchange.Destination = null;
    }

    /// <summary>What one request did, gathered as it happens.</summary>
    private struct ExchangeFacts
    {
        public long StartTimestamp;
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
    }
}
