using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Engine.Http.Http1;

namespace Engine.Http.Proxy;

internal sealed partial class ProxyPipeline
{
    /// <summary>
    /// Streams the request body to the upstream as decoded data; the upstream frames it (chunked
    /// again when its length is unknown). Runs beside the response read, so an origin may answer
    /// before the body is complete (and so that backpressure in either direction never
    /// deadlocks the other).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<BodyOutcome> ForwardRequestBodyAsync(ProxyExchange exchange, UpstreamConnection upstream)
    {
        IDownstream downstream = exchange.Downstream;
        PipeWriter target = upstream.Output;
        while (true)
        {
            RequestBodyRead read = await downstream.ReadRequestBodyAsync();
            switch (read.Status)
            {
                case RequestBodyStatus.Data:
                    upstream.WriteRequestBody(read.Data);
                    exchange.Facts.RequestBytes += read.Data.Length;
                    downstream.AdvanceRequestBody();
                    if (read.Last)
                    {
                        upstream.CompleteRequestBody(default);
                    }
                    break;
                case RequestBodyStatus.Completed:
                    upstream.CompleteRequestBody(read.Data);
                    downstream.AdvanceRequestBody();
                    break;
                case RequestBodyStatus.ClientGone:
                    // The request can never be complete: stop waiting for the origin's answer
                    // to it (and free the origin, which waits for the rest of the body). An
                    // answer already on its way still goes to the half-closed client.
                    if (!exchange.ResponseHeadReceived)
                    {
                        upstream.Abort();
                    }
                    return BodyOutcome.DownstreamFailed;
                case RequestBodyStatus.Rejected:
                    exchange.Error = ProxyError.Rejected(read.Rejection);
                    upstream.Abort();
                    return BodyOutcome.Rejected;
                case RequestBodyStatus.TimedOut:
                    // The client's timeout, not the origin's: 408 unless the response started.
                    // An origin still waiting for the body is freed; one already answering
                    // finishes its response.
                    exchange.Error = ProxyError.Rejected(RequestRejectionReason.RequestBodyTimeout);
                    if (!exchange.ResponseHeadReceived)
                    {
                        upstream.Abort();
                    }
                    return BodyOutcome.Rejected;
                default:
                    return BodyOutcome.Abandoned;
            }

            FlushResult flushed = await target.FlushAsync();
            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                return BodyOutcome.UpstreamFailed;
            }
            if (read.Status == RequestBodyStatus.Completed || read.Last)
            {
                return BodyOutcome.Completed;
            }
        }
    }

    /// <summary>Waits for the request body forwarder, stopping it first if it is still running.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<BodyOutcome> FinishRequestBodyAsync(ProxyExchange exchange, ValueTask<BodyOutcome> requestBody, UpstreamConnection upstream)
    {
        if (requestBody.IsCompleted)
        {
            return await requestBody;
        }

        // Thread A (here) ends the exchange while thread B (the forwarder) waits on the client or
        // on the upstream; cancelling both waits makes B return. A read cancel that lands after B
        // finished on its own is absorbed by the next head read.
        exchange.Downstream.CancelRequestBodyRead();
        upstream.Output.CancelPendingFlush();
        BodyOutcome outcome = await requestBody;
        if (outcome == BodyOutcome.Completed)
        {
            // B finished on its own after all, so the flush cancel is still pending on this
            // upstream connection: left there, it would fail the next exchange that leases the
            // connection from the pool (a silent close, or a request sent twice by the retry of a
            // "failed" flush; found by the http1-stream fuzz target). One empty flush takes it.
            await upstream.Output.FlushAsync();
        }
        return outcome;
    }

    /// <summary>
    /// :: response_filter, then the response head and body to the client. The upstream hands
    /// over decoded body data and the downstream frames it (:: response_body_filter is where a
    /// middleware that rewrites bodies will sit; none does yet, so data passes untouched).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RelayOutcome> RelayResponseAsync(ProxyExchange exchange, UpstreamConnection upstream)
    {
        IDownstream downstream = exchange.Downstream;
        HttpResponseHead response = upstream.ResponseHead;
        ResponseFilter(exchange);
        _metrics.OnResponse(response.StatusCode);
        exchange.Facts.ResponseBytes += downstream.WriteResponseHead(exchange, response);
        exchange.Facts.Status = exchange.Facts.UpstreamStatus = response.StatusCode;
        downstream.EnterPhase(ConnectionPhase.Body, entrypoint.Config.Timeouts.BodyIdleTimeout);

        upstream.BeginResponseBody();
        try
        {
            while (true)
            {
                if (!upstream.TryReadResponseBody(out ResponseBodyRead read))
                {
                    // A client reset aborts the upstream to wake this wait: that is the
                    // client's failure, not a truncated response, and must not be logged as one.
                    if (!upstream.OnResponseData(await upstream.Input.ReadAsync()) || downstream.IsReset)
                    {
                        return new RelayOutcome(upstreamReusable: false, downstreamKeepAlive: false, downstreamFailed: downstream.IsReset);
                    }
                    continue;
                }
                switch (read.Status)
                {
                    case ResponseBodyStatus.Data:
                        downstream.WriteResponseBody(read.Data);
                        exchange.Facts.ResponseBytes += read.Data.Length;
                        upstream.AdvanceResponseBody();
                        if (read.Last)
                        {
                            downstream.CompleteResponseBody(default);
                        }
                        else if (read.MoreBuffered)
                        {
                            // More of the body is already here: one flush for all of it.
                            continue;
                        }
                        break;
                    case ResponseBodyStatus.Completed:
                        downstream.CompleteResponseBody(read.Data);
                        upstream.AdvanceResponseBody();
                        break;
                    default:
                        // Truncated or invalid: what arrived still goes out, then the close tells
                        // the client the message is incomplete.
                        await downstream.FlushAsync();
                        return Truncated(upstream, read.Status == ResponseBodyStatus.Invalid);
                }

                FlushResult flushed = await downstream.FlushAsync();
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return new RelayOutcome(upstreamReusable: false, downstreamKeepAlive: false, downstreamFailed: true);
                }
                if (read.Status == ResponseBodyStatus.Completed || read.Last)
                {
                    return new RelayOutcome(upstream.ReusableAfterResponse(read.ExtraBytes), downstream.ResponseKeepsAlive, downstreamFailed: false);
                }
                if (downstream.IsReset)
                {
                    return new RelayOutcome(upstreamReusable: false, downstreamKeepAlive: false, downstreamFailed: true);
                }
                downstream.EnterPhase(ConnectionPhase.Body, entrypoint.Config.Timeouts.BodyIdleTimeout);
            }
        }
        finally
        {
            upstream.EndResponseBody();
        }
    }

    private RelayOutcome Truncated(UpstreamConnection upstream, bool invalid)
    {
        // Part of the response is already with the client, so no error status can follow:
        // closing the connection is how the client learns the message is incomplete.
        _metrics.OnUpstreamError(UpstreamErrorKind.ResetDuringBody);
        if (!invalid)
        {
            entrypoint.Log.UpstreamFailed(upstream.Pool, UpstreamErrorKind.ResetDuringBody);
        }
        return new RelayOutcome(upstreamReusable: false, downstreamKeepAlive: false, downstreamFailed: false);
    }
}

/// <summary>How relaying a response ended, for the keep-alive decisions on both sides.</summary>
internal readonly struct RelayOutcome(bool upstreamReusable, bool downstreamKeepAlive, bool downstreamFailed)
{
    public bool UpstreamReusable { get; } = upstreamReusable;

    public bool DownstreamKeepAlive { get; } = downstreamKeepAlive;

    public bool DownstreamFailed { get; } = downstreamFailed;
}
