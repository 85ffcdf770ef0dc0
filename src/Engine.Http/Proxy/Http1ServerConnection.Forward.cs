using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Engine.Core.LoadBalancing;
using Engine.Http.Http1;

namespace Engine.Http.Proxy;

internal sealed partial class Http1ServerConnection
{
    /// <summary>
    /// Forwards the parsed request and relays the response. Returns whether the downstream
    /// connection may carry another request.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ProxyRequestAsync()
    {
        HttpRequestHead head = _head!;
        _metrics.OnRequest();
        BeginExchange(head.HeadLength);
        if (_entrypoint.AccessLog is not null)
        {
            CaptureForAccessLog(head);
        }
        bool keepAlive = head.KeepAlive;

        // :: Step 1: limits that the head alone decides.
        if (_limits.MaxRequestBodySize is long maxBody && head.ContentLength > maxBody)
        {
            return await RejectAsync(RequestRejectionReason.BodyTooLarge);
        }

        // :: Step 2: route, then pick a destination of the service.
        if (!TryRouteAndPick(head, out UpstreamPool? pool, out int status))
        {
            return await AnswerAsync(status, keepAlive && !head.HasBody);
        }

        pool.Destination.OnRequestStarted();
        try
        {
            return await ExchangeAsync(pool, keepAlive);
        }
        finally
        {
            pool.Destination.OnRequestCompleted();
            _stickyCookie = null;
        }
    }

    /// <summary>
    /// Matches the compiled route table and asks the router's service for a healthy destination;
    /// on failure, the status to answer with (404 no router, 503 no healthy destination). A pick
    /// that must pin the client (sticky sessions) leaves the cookie to write in the response.
    /// </summary>
    private bool TryRouteAndPick(HttpRequestHead head, [NotNullWhen(true)] out UpstreamPool? pool, out int status)
    {
        var input = new RequestRouteInput(head, _clientIp);
        if (!_entrypoint.Routes.TryMatch(input, out RouteModel route))
        {
            pool = null;
            status = 404;
            return false;
        }

        _exchange.Route = route;

        if (!route.Service.Table.TryPick(input, out DestinationState? destination, out StickySessionModel? sticky))
        {
            _metrics.OnUpstreamError(UpstreamErrorKind.NoDestination);
            pool = null;
            status = 503;
            return false;
        }

        pool = ((UpstreamDestination)destination).Pool;
        _stickyCookie = sticky;
        _exchange.Destination = pool.Destination;
        status = 0;
        return true;
    }

    /// <summary>
    /// Steps 3 to 7 with one destination: lease a connection, send the head (and body), read the
    /// response head, relay the response, and give the connection back.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ExchangeAsync(UpstreamPool pool, bool keepAlive)
    {
        HttpRequestHead head = _head!;
        bool hasBody = head.HasBody;
        bool retried = false;
        Volatile.Write(ref _clientAbortCounted, 0);
        UpstreamConnection upstream;
        ValueTask<BodyOutcome> requestBody = default;

        while (true)
        {
            // :: Step 3: lease a pooled connection, or open one.
            // The connector and the pool bound the connect themselves; the heartbeat has nothing to add.
            SetPhase(ConnectionPhase.AwaitingUpstream, Timeout.InfiniteTimeSpan);
            UpstreamConnection? idle = pool.TryTakeIdle();
            bool reused = idle != null;
            if (idle == null)
            {
                LeaseResult lease = await pool.ConnectAsync();
                if (lease.Connection == null)
                {
                    _metrics.OnUpstreamError(lease.Error);
                    _entrypoint.Log.UpstreamConnectFailed(pool.Destination.Name, lease.Error);
                    int status = lease.Error switch
                    {
                        UpstreamErrorKind.ConnectTimeout => 504,
                        UpstreamErrorKind.NoDestination => 503,
                        _ => 502,
                    };
                    return await AnswerAsync(status, keepAlive && !hasBody);
                }
                idle = lease.Connection;
            }
            upstream = idle;
            Volatile.Write(ref _upstream, upstream);
            if (_downstreamReset)
            {
                // The client reset while we were connecting.
                return ClientGone(upstream);
            }

            // :: Step 4: the request head, rewritten for the origin.
            WriteUpstreamHead(upstream, pool);
            if (hasBody)
            {
                // The head is in the upstream pipe now; let go of it so the body can be read.
                ReleaseHead();
                if (head.ExpectContinue && head.Version == HttpVersion.Http11)
                {
                    // RFC 9110 §10.1.1: the proxy answers the expectation itself and strips it.
                    _output.Write(ErrorResponses.Continue100);
                    await _output.FlushAsync();
                }
                requestBody = ForwardRequestBodyAsync(upstream);
            }
            else
            {
                FlushResult flushed = await upstream.Output.FlushAsync();
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    if (CanRetry(reused, hasBody, retried))
                    {
                        retried = true;
                        DiscardUpstream(upstream);
                        continue;
                    }
                }
            }

            // :: Step 5: the response head (interim 1xx responses are relayed on the way).
            SetPhase(ConnectionPhase.AwaitingUpstream, pool.Config.ResponseHeaderTimeout);
            ResponseHeadOutcome outcome = await ReadResponseHeadAsync(upstream, head.Method, head.Version);
            if (outcome == ResponseHeadOutcome.Received)
            {
                break;
            }

            // The exchange failed before a response: stop the body forwarder first (it may be
            // blocked on either side), so that nothing else touches the upstream's pipes.
            BodyOutcome bodyOutcome = BodyOutcome.Completed;
            if (hasBody)
            {
                upstream.Abort();
                bodyOutcome = await FinishRequestBodyAsync(requestBody, upstream);
            }
            if (_downstreamReset || bodyOutcome == BodyOutcome.DownstreamFailed)
            {
                return ClientGone(upstream);
            }
            if (bodyOutcome == BodyOutcome.Rejected)
            {
                DiscardUpstream(upstream);
                return await RejectAsync(_requestBodyRejection);
            }
            if (outcome == ResponseHeadOutcome.ClosedEarly && CanRetry(reused, hasBody, retried))
            {
                // A pooled connection the origin closed while idle: nothing reached it, so the
                // request goes once more on a fresh connection.
                retried = true;
                _metrics.OnRetry();
                DiscardUpstream(upstream);
                continue;
            }

            DiscardUpstream(upstream);
            (int errorStatus, UpstreamErrorKind kind) = outcome switch
            {
                ResponseHeadOutcome.TimedOut => (504, UpstreamErrorKind.ResponseTimeout),
                ResponseHeadOutcome.Invalid => (502, UpstreamErrorKind.InvalidResponse),
                _ => (502, UpstreamErrorKind.ResetBeforeResponse),
            };
            _metrics.OnUpstreamError(kind);
            _entrypoint.Log.UpstreamExchangeFailed(pool.Destination.Name, kind);
            return await AnswerAsync(errorStatus, keepAlive && !hasBody);
        }

        // :: Step 6: the response head and body, relayed to the client.
        if (!hasBody)
        {
            ReleaseHead();
        }
        SetPhase(ConnectionPhase.Body, _timeouts.BodyIdleTimeout);
        bool clientIsHttp10 = head.Version == HttpVersion.Http10;
        RelayOutcome relay = await RelayResponseAsync(upstream, keepAlive && !_draining, clientIsHttp10);

        // :: Step 7: the request body must be complete too before anything is reused.
        BodyOutcome requestOutcome = BodyOutcome.Completed;
        if (hasBody)
        {
            requestOutcome = await FinishRequestBodyAsync(requestBody, upstream);
        }

        // Counted before the upstream closes: its closing is what others observe first.
        bool clientGone = relay.DownstreamFailed || requestOutcome == BodyOutcome.DownstreamFailed;
        if (clientGone)
        {
            CountClientAbort();
        }
        bool upstreamReusable = relay.UpstreamReusable && requestOutcome == BodyOutcome.Completed && !_downstreamReset;
        Volatile.Write(ref _upstream, null);
        if (upstreamReusable)
        {
            pool.Return(upstream);
        }
        else
        {
            upstream.Close();
        }

        if (clientGone)
        {
            return false;
        }
        if (requestOutcome != BodyOutcome.Completed)
        {
            // The response went out before the client finished its body; the rest of it is
            // unread, so the connection cannot carry another request.
            _linger = true;
            return false;
        }
        return relay.DownstreamKeepAlive;
    }

    private static bool CanRetry(bool reused, bool hasBody, bool retried) => reused && !hasBody && !retried;

    private bool ClientGone(UpstreamConnection upstream)
    {
        CountClientAbort();
        DiscardUpstream(upstream);
        return false;
    }

    private void DiscardUpstream(UpstreamConnection upstream)
    {
        Volatile.Write(ref _upstream, null);
        upstream.Close();
    }

    private void WriteUpstreamHead(UpstreamConnection upstream, UpstreamPool pool)
    {
        var writer = new SpanWriter(upstream.Output);
        var forwarded = new HeadWriter.ForwardedValues(ClientAddress, _entrypoint.SchemeBytes, _entrypoint.PortBytes, pool.HostHeader);
        HeadWriter.WriteRequestHead(ref writer, _head!, forwarded);
        writer.Commit();
    }

    /// <summary>Answers with one of the proxy's own responses; returns whether to keep the connection.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> AnswerAsync(int status, bool keepAlive)
    {
        keepAlive &= !_draining;
        await WriteErrorAsync(status, close: !keepAlive);
        if (!keepAlive)
        {
            _linger = true;
        }
        return keepAlive;
    }

    /// <summary>Refuses a request whose head or body broke a rule: count it, answer, close.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> RejectAsync(RequestRejectionReason reason)
    {
        _metrics.OnRejected(reason);
        _entrypoint.Log.RequestRejected(_connection.Id, reason, 0);
        return await AnswerAsync(reason.StatusCode(), keepAlive: false);
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
