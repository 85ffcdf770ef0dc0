using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Engine.Core.LoadBalancing;
using Engine.Http.Http1;
using Engine.Http.Middlewares;

namespace Engine.Http.Proxy;

/// <summary>How an exchange leaves the downstream connection.</summary>
internal enum ExchangeOutcome : byte
{
    /// <summary>The connection may carry another request.</summary>
    KeepAlive,
    /// <summary>Close now: the client is gone or the response said so.</summary>
    Close,
    /// <summary>Close after reading (and dropping) what the client still sends, so a reset cannot destroy the answer.</summary>
    Linger,
}

/// <summary>
/// The proxy's one pipeline, for every protocol: a downstream (an HTTP/1.1 connection today, an
/// HTTP/2 stream tomorrow) hands it a parsed <see cref="ProxyExchange"/> and it runs the named
/// phases of Pingora's <c>ProxyHttp</c>: <c>request_filter</c> (may answer by itself),
/// <c>upstream_peer</c> (pick a destination; the retry loop), <c>upstream_request_filter</c>,
/// send, <c>response_filter</c>, <c>response_body_filter</c>, and <c>logging</c>; failures go
/// through <c>fail_to_connect</c> and <c>error_while_proxy</c>, which decide from the
/// <see cref="ProxyError"/> whether the request may go again. One per entrypoint; it holds no
/// per-request state (that lives in the exchange), and its async steps are pooled, so a request
/// allocates nothing.
/// </summary>
internal sealed partial class ProxyPipeline(HttpConnectionHandler entrypoint)
{
    private readonly ProxyMetrics _metrics = entrypoint.Metrics;

    /// <summary>Runs one exchange to its end and says what the downstream connection should do next.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ExchangeOutcome> RunAsync(ProxyExchange exchange)
    {
        HttpRequestHead request = exchange.Request;
        IDownstream downstream = exchange.Downstream;
        _metrics.OnRequest();
        if (entrypoint.AccessLog is not null)
        {
            exchange.CaptureForAccessLog();
        }

        // :: Step 1: what the head alone decides. CONNECT asks for a tunnel, which this entrypoint
        // does not open (RFC 9110 §9.1: 501 for a method the server does not implement); OPTIONS *
        // asks about the server itself, so the proxy answers it; then the limits.
        if (request.TargetForm == RequestTargetForm.Authority)
        {
            return await RejectAsync(exchange, RequestRejectionReason.MethodNotImplemented);
        }
        if (request.TargetForm == RequestTargetForm.Asterisk)
        {
            return await AnswerAsync(exchange, 200, keepAlive: request.KeepAlive && !request.HasBody);
        }
        if (entrypoint.Config.Limits.MaxRequestBodySize is long maxBody && request.ContentLength > maxBody)
        {
            return await RejectAsync(exchange, RequestRejectionReason.BodyTooLarge);
        }

        // :: Step 2: route; the router decides the middleware chain.
        var input = new RequestRouteInput(request, downstream.ClientIp);
        if (!entrypoint.Routes.TryMatch(input, out RouteModel route))
        {
            if (entrypoint.Log.IsDebugEnabled)
            {
                LogNoRouterMatched(request);
            }
            return await FailAsync(exchange, ProxyError.NoRoute);
        }
        exchange.Route = route;
        exchange.Middlewares = route.Middlewares;
        exchange.MiddlewaresReached = route.Middlewares.Length;

        // :: Step 3: request_filter — a middleware may answer by itself.
        // An empty chain (the common case) costs this length check, not a call.
        if (route.Middlewares.Length > 0 && await RequestFilterAsync(exchange))
        {
            return await AnswerAsync(exchange, exchange.AnswerStatus, keepAlive: request.KeepAlive && !request.HasBody);
        }

        // :: Step 4: upstream_peer — the route's service picks a destination.
        if (!TryPickPeer(exchange, route, out IUpstreamPool? pool))
        {
            return await FailAsync(exchange, ProxyError.Unavailable(UpstreamErrorKind.NoDestination));
        }

        // :: Step 5: upstream_request_filter — middlewares edit the head bound upstream.
        UpstreamRequestFilter(exchange);

        pool.Destination.OnRequestStarted();
        try
        {
            return await ProxyToPeerAsync(exchange, pool);
        }
        finally
        {
            pool.Destination.OnRequestCompleted();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> RequestFilterAsync(ProxyExchange exchange)
    {
        Middleware[] chain = exchange.Middlewares;
        for (int i = 0; i < chain.Length; i++)
        {
            Middleware middleware = chain[i];
            middleware.Metrics.OnRequest();
            if ((middleware.Phases & MiddlewarePhases.RequestFilter) != 0 && await middleware.RequestFilterAsync(exchange))
            {
                middleware.Metrics.OnAnswered();
                // The answer unwinds through the middlewares before it only: the ones after it
                // never saw the request. Its own fields it set while answering.
                exchange.MiddlewaresReached = i;
                return true;
            }
        }
        return false;
    }

    private static void UpstreamRequestFilter(ProxyExchange exchange)
    {
        foreach (Middleware middleware in exchange.Middlewares)
        {
            if ((middleware.Phases & MiddlewarePhases.UpstreamRequestFilter) != 0)
            {
                middleware.UpstreamRequestFilter(exchange);
            }
        }
    }

    private static void ResponseFilter(ProxyExchange exchange)
    {
        // Response phases run in reverse chain order, as a response unwinds the chain.
        Middleware[] chain = exchange.Middlewares;
        for (int i = exchange.MiddlewaresReached - 1; i >= 0; i--)
        {
            if ((chain[i].Phases & MiddlewarePhases.ResponseFilter) != 0)
            {
                chain[i].ResponseFilter(exchange);
            }
        }
    }

    /// <summary>
    /// Asks the router's service for a healthy destination. A pick that must pin the client
    /// (sticky sessions) leaves the cookie for the response head.
    /// </summary>
    private static bool TryPickPeer(ProxyExchange exchange, RouteModel route, [NotNullWhen(true)] out IUpstreamPool? pool)
    {
        var input = new RequestRouteInput(exchange.Request, exchange.Downstream.ClientIp);
        if (!route.Service.Table.TryPick(input, out DestinationState? destination, out StickySessionModel? sticky))
        {
            pool = null;
            return false;
        }

        pool = ((UpstreamDestination)destination).Pool;
        exchange.Pool = pool;
        exchange.StickyCookie = sticky;
        return true;
    }

    /// <summary>
    /// Steps 6 to 10 with one destination: lease a connection, send the head (and body), read
    /// the response head, relay the response, and give the connection back.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ExchangeOutcome> ProxyToPeerAsync(ProxyExchange exchange, IUpstreamPool pool)
    {
        HttpRequestHead request = exchange.Request;
        IDownstream downstream = exchange.Downstream;
        bool hasBody = request.HasBody;
        bool retried = false;
        UpstreamConnection upstream;
        ValueTask<BodyOutcome> requestBody = default;

        while (true)
        {
            // :: Step 6: lease a pooled connection, or open one (fail_to_connect on failure).
            // The connector and the pool bound the connect themselves; the heartbeat has nothing to add.
            downstream.EnterPhase(ConnectionPhase.AwaitingUpstream, Timeout.InfiniteTimeSpan);
            LeaseResult lease = await pool.LeaseAsync(allowIdle: true);
            if (lease.Connection == null)
            {
                entrypoint.Log.UpstreamFailed(pool, lease.Error);
                // A full pool and a process out of sockets are the engine's own limits: 503, not the upstream's fault.
                return await FailAsync(exchange, lease.Error is UpstreamErrorKind.PoolFull or UpstreamErrorKind.SocketLimit
                    ? ProxyError.Unavailable(lease.Error)
                    : ProxyError.FromUpstream(lease.Error, retryAllowed: false));
            }
            upstream = lease.Connection;
            exchange.Upstream = upstream;
            if (downstream.IsReset)
            {
                // The client reset while we were connecting.
                return ClientGone(exchange, pool, upstream);
            }

            // :: Step 7: send the request head (with the exchange's edits), then the body beside
            // the response read, so an origin may answer early and backpressure never deadlocks.
            upstream.WriteRequestHead(exchange);
            if (hasBody)
            {
                // The head is in the upstream pipe now; let go of it so the body can be read.
                downstream.ReleaseRequestHead();
                await downstream.SendContinueIfExpectedAsync();
                requestBody = ForwardRequestBodyAsync(exchange, upstream);
            }
            else
            {
                FlushResult flushed = await upstream.Output.FlushAsync();
                if ((flushed.IsCompleted || flushed.IsCanceled) && lease.Reused && !retried)
                {
                    retried = true;
                    pool.Release(upstream, reusable: false);
                    exchange.Upstream = null;
                    continue;
                }
            }

            // :: Step 8: the response head (interim 1xx responses are relayed on the way).
            downstream.EnterPhase(ConnectionPhase.AwaitingUpstream, pool.Config.ResponseHeaderTimeout);
            ResponseHeadOutcome outcome = await upstream.ReadResponseHeadAsync(exchange, entrypoint.ResponseParserLimits, entrypoint.Log);
            if (outcome == ResponseHeadOutcome.Received)
            {
                exchange.ResponseHeadReceived = true;
                entrypoint.Log.UpstreamAnswered(pool);
                break;
            }

            // :: error_while_proxy — the exchange failed before a response. Stop the body
            // forwarder first (it may be blocked on either side), so that nothing else touches
            // the upstream's pipes.
            BodyOutcome bodyOutcome = BodyOutcome.Completed;
            if (hasBody)
            {
                upstream.Abort();
                bodyOutcome = await FinishRequestBodyAsync(exchange, requestBody, upstream);
            }
            if (downstream.IsReset || bodyOutcome == BodyOutcome.DownstreamFailed)
            {
                return ClientGone(exchange, pool, upstream);
            }
            pool.Release(upstream, reusable: false);
            exchange.Upstream = null;
            if (bodyOutcome == BodyOutcome.Rejected)
            {
                return await RejectAsync(exchange, exchange.Error.Rejection);
            }

            ProxyError error = outcome switch
            {
                ResponseHeadOutcome.TimedOut => ProxyError.FromUpstream(UpstreamErrorKind.ResponseTimeout, retryAllowed: false),
                ResponseHeadOutcome.Invalid => ProxyError.FromUpstream(UpstreamErrorKind.InvalidResponse, retryAllowed: false),
                // A pooled connection the origin closed while idle: nothing reached it, so the
                // request may go once more on a fresh connection.
                ResponseHeadOutcome.ClosedEarly => ProxyError.FromUpstream(UpstreamErrorKind.ResetBeforeResponse, retryAllowed: lease.Reused && !hasBody),
                _ => ProxyError.FromUpstream(UpstreamErrorKind.ResetBeforeResponse, retryAllowed: false),
            };
            if (error.RetryAllowed && !retried)
            {
                retried = true;
                _metrics.OnRetry();
                continue;
            }
            entrypoint.Log.UpstreamFailed(pool, error.Upstream);
            return await FailAsync(exchange, error);
        }

        // :: Step 9: response_filter, then the response head and body, relayed to the client.
        if (!hasBody)
        {
            downstream.ReleaseRequestHead();
        }
        RelayOutcome relay = await RelayResponseAsync(exchange, upstream);

        // :: Step 10: the request body must be complete too before anything is reused.
        BodyOutcome requestOutcome = BodyOutcome.Completed;
        if (hasBody)
        {
            requestOutcome = await FinishRequestBodyAsync(exchange, requestBody, upstream);
        }

        // Counted before the upstream closes: its closing is what others observe first.
        bool clientGone = relay.DownstreamFailed || requestOutcome == BodyOutcome.DownstreamFailed;
        if (clientGone)
        {
            exchange.CountClientAbort(_metrics);
        }
        exchange.Upstream = null;
        pool.Release(upstream, reusable: relay.UpstreamReusable && requestOutcome == BodyOutcome.Completed && !downstream.IsReset);

        if (clientGone)
        {
            return ExchangeOutcome.Close;
        }
        if (requestOutcome == BodyOutcome.Rejected)
        {
            // Too late for an answer of the proxy's own (the response started): counted, logged
            // as what the client did, and the connection closes.
            _metrics.OnRejected(exchange.Error.Rejection);
            entrypoint.Log.RequestRejected(downstream.ConnectionId, exchange.Error.Rejection, 0);
            return ExchangeOutcome.Close;
        }
        if (requestOutcome != BodyOutcome.Completed)
        {
            // The response went out before the client finished its body; the rest of it is
            // unread, so the connection cannot carry another request.
            return ExchangeOutcome.Linger;
        }
        return relay.DownstreamKeepAlive ? ExchangeOutcome.KeepAlive : ExchangeOutcome.Close;
    }

    private ExchangeOutcome ClientGone(ProxyExchange exchange, IUpstreamPool pool, UpstreamConnection upstream)
    {
        exchange.CountClientAbort(_metrics);
        exchange.Upstream = null;
        pool.Release(upstream, reusable: false);
        return ExchangeOutcome.Close;
    }

    /// <summary>
    /// The one place an error becomes what the client sees and what is counted: the status from
    /// <see cref="ProxyError.StatusCode"/>, the upstream-error counter, and the exchange's facts.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ExchangeOutcome> FailAsync(ProxyExchange exchange, ProxyError error)
    {
        exchange.Error = error;
        if (error.Kind == ProxyErrorKind.UpstreamFailed)
        {
            _metrics.OnUpstreamError(error.Upstream);
        }
        if (error.Kind == ProxyErrorKind.RequestRejected)
        {
            return await RejectAsync(exchange, error.Rejection);
        }
        HttpRequestHead request = exchange.Request;
        return await AnswerAsync(exchange, error.StatusCode, keepAlive: request.KeepAlive && !request.HasBody);
    }

    /// <summary>
    /// Answers with one of the proxy's own responses. On a routed request the chain's
    /// response_filter runs first, as for an upstream's response: a middleware's answer carries
    /// the fields it set (a redirect's Location), and an error carries the route's response edits.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<ExchangeOutcome> AnswerAsync(ProxyExchange exchange, int status, bool keepAlive)
    {
        ResponseFilter(exchange);
        keepAlive &= !exchange.Downstream.WantsClose;
        await exchange.Downstream.SendStatusAsync(exchange, status, close: !keepAlive);
        return keepAlive ? ExchangeOutcome.KeepAlive : ExchangeOutcome.Linger;
    }

    /// <summary>Refuses a request whose head or body broke a rule: count it, answer, close.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ExchangeOutcome> RejectAsync(ProxyExchange exchange, RequestRejectionReason reason)
    {
        exchange.Error = ProxyError.Rejected(reason);
        _metrics.OnRejected(reason);
        entrypoint.Log.RequestRejected(exchange.Downstream.ConnectionId, reason, 0);
        return await AnswerAsync(exchange, reason.StatusCode(), keepAlive: false);
    }
}

internal enum ResponseHeadOutcome : byte
{
    Received,
    /// <summary>The upstream closed or reset before sending a byte of the response.</summary>
    ClosedEarly,
    /// <summary>The upstream closed or reset in the middle of the head.</summary>
    Truncated,
    Invalid,
    TimedOut,
}

internal enum BodyOutcome : byte
{
    Completed,
    /// <summary>The client closed or reset before the body was complete.</summary>
    DownstreamFailed,
    /// <summary>The upstream stopped taking the body (it closed, or answered early).</summary>
    UpstreamFailed,
    /// <summary>The body broke a rule (bad chunk framing, over the size limit).</summary>
    Rejected,
    /// <summary>The proxy stopped forwarding it because the exchange ended.</summary>
    Abandoned,
}
