using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
using Engine.Core.Configuration;
using Engine.Core.LoadBalancing;
using Engine.Core.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Engine.Http.Http1;

namespace Engine.Http.Proxy;

/// <summary>What a downstream connection is doing, for the heartbeat's timeout decisions.</summary>
internal enum ConnectionPhase : byte
{
    /// <summary>Between requests, waiting for the first byte of the next head.</summary>
    Idle,
    ReadingHead,
    /// <summary>Connecting, sending the head, or waiting for the response head.</summary>
    AwaitingUpstream,
    Body,
    Closing,
}

/// <summary>
/// One downstream HTTP/1.1 connection, framing only: reads request heads in place, hands each
/// request to the <see cref="ProxyPipeline"/> as a <see cref="ProxyExchange"/>, serves the
/// pipeline as its <see cref="IDownstream"/> (body framing both ways, 100-continue, interim
/// responses, the proxy's own answers), and keeps the connection alive between requests. One
/// long-running loop per connection (its state machine is allocated once); the per-request
/// steps are pooled async methods, so a keep-alive request allocates nothing.
/// </summary>
internal sealed partial class Http1ServerConnection : IDownstream, ITrackedConnection
{
    private static readonly TimeSpan s_lingerTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_closeTimeout = TimeSpan.FromSeconds(5);
    private const long MaxLingerBytes = 1024 * 1024;

    private static readonly byte[] s_http = "http"u8.ToArray();
    private static readonly byte[] s_https = "https"u8.ToArray();

    private readonly ConnectionContext _connection;
    private readonly HttpConnectionHandler _entrypoint;
    private readonly long _id;
    private readonly byte[] _scheme;
    private PortBuffer _localPort;
    private int _localPortLength;
    private object? _trackingKey;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    // Rented from the entrypoint when a request's first byte arrives and given back when it
    // ends, so an idle keep-alive connection holds no exchange (part of its ~4 KiB budget).
    private ProxyExchange? _exchange;
    private readonly ProxyPipeline _pipeline;
    private readonly HttpParserLimits _parserLimits;
    private readonly HttpLimitsConfig _limits;
    private readonly DownstreamTimeoutsConfig _timeouts;
    private readonly ProxyMetrics _metrics;
    private ClientAddressBuffer _clientAddress;
    private readonly IPAddress? _clientIp;
    private int _clientAddressLength;

    // The downstream read in progress: the request head lives in it (offsets into _head.Source)
    // until the head has been forwarded, or until the response head arrived for a bodiless
    // request, so that a stale pooled upstream can be retried without copying the head.
    private ReadOnlySequence<byte> _buffer;
    private SequencePosition _headEnd;
    private bool _headConsumed;
    private byte[]? _headScratch;

    private long _deadline = long.MaxValue;
    private volatile ConnectionPhase _phase;
    private volatile bool _draining;
    private volatile bool _downstreamReset;
    // Set by the heartbeat when the keep-alive or request-header timeout passed: the head read
    // ends gracefully instead of the socket being aborted.
    private volatile bool _waitTimedOut;
    private bool _linger;

    public Http1ServerConnection(ConnectionContext connection, HttpConnectionHandler entrypoint)
    {
        _connection = connection;
        _entrypoint = entrypoint;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        // X-Forwarded-Proto comes from the connection: a TLS step before this handler says so.
        _scheme = ConnectionFeatures.Get<ITlsHandshakeFeature>(connection) is null ? s_http : s_https;
        ITransportConnectionFeature? transport = ConnectionFeatures.Get<ITransportConnectionFeature>(connection);
        _id = transport?.Id ?? 0;
        int port = transport?.LocalPort ?? (connection.LocalEndPoint as IPEndPoint)?.Port ?? 0;
        port.TryFormat(_localPort, out _localPortLength, default, System.Globalization.CultureInfo.InvariantCulture);
        _limits = entrypoint.Config.Limits;
        _timeouts = entrypoint.Config.Timeouts;
        _parserLimits = entrypoint.ParserLimits;
        _metrics = entrypoint.Metrics;
        _pipeline = entrypoint.Pipeline;
        _clientIp = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (connection.RemoteEndPoint is IPEndPoint remote &&
            remote.Address.TryFormat(_clientAddress, out int written))
        {
            _clientAddressLength = written;
        }
        transport?.OnPeerReset(static state => ((Http1ServerConnection)state!).OnDownstreamReset(), this);
    }

    public string PhaseName => _phase.ToString();

    /// <summary>When the current phase, or the request body read beside it, times out, in heartbeat timestamp units.</summary>
    public long Deadline => Math.Min(Volatile.Read(ref _deadline), Volatile.Read(ref _requestBodyDeadline));

    public ReadOnlySpan<byte> ClientAddress => ((ReadOnlySpan<byte>)_clientAddress).Slice(0, _clientAddressLength);

    public IPAddress? ClientIp => _clientIp;

    public long ConnectionId => _id;

    public ReadOnlySpan<byte> Scheme => _scheme;

    public ReadOnlySpan<byte> LocalPort => ((ReadOnlySpan<byte>)_localPort).Slice(0, _localPortLength);

    public async Task RunAsync()
    {
        _trackingKey = _entrypoint.Tracker.Add(this);
        _entrypoint.OnConnectionOpened();
        try
        {
            while (!_draining)
            {
                if (!await ReadRequestHeadAsync())
                {
                    break;
                }
                ProxyExchange exchange = _exchange!;
                BeginExchange(exchange, exchange.Request.HeadLength);
                ExchangeOutcome outcome = await _pipeline.RunAsync(exchange);
                _pipeline.Log(exchange);
                ReleaseHead();
                ReturnExchange();
                if (outcome != ExchangeOutcome.KeepAlive)
                {
                    _linger |= outcome == ExchangeOutcome.Linger;
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ConnectionAbortedException or OperationCanceledException)
        {
            // A transport whose reads fail with an exception (a TLS stream, a reset surfaced as
            // an error) ends the connection the way a socket's reset does: quietly. The pipe's
            // read state is unknown, so the head is not advanced past again.
            _downstreamReset = true;
            _headConsumed = true;
            _linger = false;
        }
        catch (Exception ex)
        {
            // Nothing on the data path throws by design; if something does, the connection ends
            // and the process stays up.
            _entrypoint.Log.UnhandledConnectionError(_id, ex);
            _headConsumed = true;
            _linger = false;
        }
        finally
        {
            try
            {
                UpstreamConnection? upstream = _exchange?.Upstream;
                if (upstream != null)
                {
                    _exchange!.Upstream = null;
                    upstream.Close();
                }
                ReleaseHead();
                ReturnExchange();
                if (_linger && !_downstreamReset)
                {
                    await LingerAsync();
                }
                // The send loop may still be flushing to a client that stopped reading: the
                // heartbeat aborts the connection if closing takes longer than this.
                SetPhase(ConnectionPhase.Closing, s_closeTimeout);
                await _connection.DisposeAsync();
            }
            catch (Exception ex)
            {
                _entrypoint.Log.UnhandledConnectionError(_id, ex);
                _connection.Abort();
            }
            finally
            {
                _entrypoint.Tracker.Remove(_trackingKey!);
                _entrypoint.OnConnectionClosed();
            }
        }
    }

    /// <summary>Stops keep-alive: an idle connection closes now, a busy one after its response.</summary>
    public void BeginDrain()
    {
        _draining = true;
        if (_phase == ConnectionPhase.Idle)
        {
            _input.CancelPendingRead();
        }
    }

    /// <summary>Ends the connection now (a drain that ran out of time).</summary>
    public void Abort()
    {
        CurrentUpstream?.Abort();
        _connection.Abort();
    }

    /// <summary>Called by the heartbeat when <see cref="Deadline"/> has passed.</summary>
    public void OnDeadlinePassed()
    {
        if (Volatile.Read(ref _requestBodyDeadline) <= _entrypoint.Heartbeat.Now)
        {
            // The client paused its request body too long, or sends it too slowly: the body
            // read ends with TimedOut and the exchange answers 408 (or closes, once the
            // response has started). The phase's own deadline is judged on the next tick.
            Volatile.Write(ref _requestBodyDeadline, long.MaxValue);
            _requestBodyTimedOut = true;
            _input.CancelPendingRead();
            return;
        }
        switch (_phase)
        {
            case ConnectionPhase.AwaitingUpstream:
                // The response head is late: fail the upstream only; the downstream gets a 504.
                UpstreamConnection? upstream = CurrentUpstream;
                if (upstream != null)
                {
                    upstream.TimedOut = true;
                    upstream.Abort();
                }
                break;
            case ConnectionPhase.Idle or ConnectionPhase.ReadingHead when !_waitTimedOut:
                // First strike: end the wait the way clients expect, not with a reset. An idle
                // keep-alive connection closes with a FIN; a head that stalls gets 408, then a
                // lingering close. The heartbeat aborts if even that takes longer than this.
                _waitTimedOut = true;
                Volatile.Write(ref _deadline, _entrypoint.Heartbeat.DeadlineAfter(s_closeTimeout));
                _input.CancelPendingRead();
                break;
            case ConnectionPhase.Idle or ConnectionPhase.ReadingHead or ConnectionPhase.Body or ConnectionPhase.Closing:
                CurrentUpstream?.Abort();
                _connection.Abort();
                break;
        }
    }

    private void OnDownstreamReset()
    {
        // Thread A (the socket's receive loop) saw a reset while thread B may be waiting on the
        // upstream; failing the upstream wakes B, which then finds _downstreamReset set.
        _downstreamReset = true;
        ProxyExchange? exchange = Volatile.Read(ref _exchange);
        UpstreamConnection? upstream = exchange?.Upstream;
        if (upstream != null)
        {
            exchange!.CountClientAbort(_metrics);
            upstream.Abort();
        }
    }

    /// <summary>The upstream of the exchange in progress, read from the heartbeat or the reset callback.</summary>
    private UpstreamConnection? CurrentUpstream => Volatile.Read(ref _exchange)?.Upstream;

    private void SetPhase(ConnectionPhase phase, TimeSpan timeout)
    {
        Volatile.Write(ref _deadline, _entrypoint.Heartbeat.DeadlineAfter(timeout));
        _phase = phase;
    }

    /// <summary>Reads until a whole request head is parsed; false when the connection should close.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadRequestHeadAsync()
    {
        _headConsumed = false;
        _waitTimedOut = false;
        SetPhase(ConnectionPhase.Idle, _timeouts.KeepAliveTimeout);
        bool started = false;
        while (true)
        {
            ReadResult result = await _input.ReadAsync();
            if (result.IsCanceled)
            {
                if (_draining)
                {
                    _input.AdvanceTo(result.Buffer.Start);
                    _headConsumed = true;
                    return false;
                }
                if (_waitTimedOut)
                {
                    _input.AdvanceTo(result.Buffer.End);
                    _headConsumed = true;
                    if (started)
                    {
                        await AnswerHeadTimeoutAsync(result.Buffer.Length);
                    }
                    return false;
                }
                // A cancel meant for a request-body forwarder that had already finished.
                _input.AdvanceTo(result.Buffer.Start);
                continue;
            }
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (!started)
            {
                // RFC 9112 §2.2: a server SHOULD ignore empty lines received before a request-line.
                buffer = SkipEmptyLines(buffer);
                // A lone CR at the end may be the first half of an empty line's CRLF: wait for
                // the next byte before deciding that a request has started.
                if (buffer.IsEmpty || (buffer.Length == 1 && buffer.FirstSpan[0] == (byte)'\r' && !result.IsCompleted))
                {
                    _input.AdvanceTo(buffer.Start, result.Buffer.End);
                    if (result.IsCompleted)
                    {
                        _headConsumed = true;
                        return false;
                    }
                    continue;
                }
                started = true;
                Volatile.Write(ref _exchange, _entrypoint.RentExchange());
                _exchange!.Downstream = this;
                SetPhase(ConnectionPhase.ReadingHead, _timeouts.RequestHeaderTimeout);
            }

            try
            {
                if (TryParseHead(buffer))
                {
                    _buffer = buffer;
                    return true;
                }
            }
            catch (HttpParseException ex)
            {
                _input.AdvanceTo(buffer.End);
                _headConsumed = true;
                _metrics.OnRejected(ex.Reason);
                _entrypoint.Log.RequestRejected(_id, ex.Reason, ex.Offset);
                ProxyExchange exchange = _exchange!;
                BeginExchange(exchange, requestBytes: buffer.Length);
                exchange.Error = ProxyError.Rejected(ex.Reason);
                await SendStatusAsync(exchange, ex.StatusCode, close: true);
                _pipeline.Log(exchange);
                _linger = true;
                return false;
            }

            if (result.IsCompleted)
            {
                // FIN in the middle of a head: nothing to answer.
                _input.AdvanceTo(buffer.End);
                _headConsumed = true;
                return false;
            }
            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// The request head did not arrive within request_header: 408 (RFC 9110 §15.5.9), counted
    /// as the client's, then a lingering close so that the answer is not lost to a reset.
    /// </summary>
    private async ValueTask AnswerHeadTimeoutAsync(long requestBytes)
    {
        const RequestRejectionReason reason = RequestRejectionReason.RequestHeaderTimeout;
        _metrics.OnRejected(reason);
        _entrypoint.Log.RequestRejected(_id, reason, (int)Math.Min(requestBytes, int.MaxValue));
        ProxyExchange exchange = _exchange!;
        BeginExchange(exchange, requestBytes);
        exchange.Error = ProxyError.Rejected(reason);
        await SendStatusAsync(exchange, 408, close: true);
        _pipeline.Log(exchange);
        _linger = true;
    }

    private static ReadOnlySequence<byte> SkipEmptyLines(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (reader.TryPeek(out byte b) && (b == (byte)'\r' || b == (byte)'\n'))
        {
            if (b == (byte)'\r' && !(reader.TryPeek(1, out byte next) && next == (byte)'\n'))
            {
                break; // a lone CR (or CR at the end): let the parser judge it, or wait for more
            }
            reader.Advance(b == (byte)'\r' ? 2 : 1);
        }
        return buffer.Slice(reader.Position);
    }

    /// <summary>Parses the head in place when it lies in one segment, else in a pooled scratch copy.</summary>
    private bool TryParseHead(in ReadOnlySequence<byte> buffer)
    {
        ReadOnlyMemory<byte> memory;
        if (buffer.IsSingleSegment)
        {
            memory = buffer.First;
        }
        else
        {
            // Copy at most one byte past the limit: enough for the parser to reject an oversized head.
            int length = (int)Math.Min(buffer.Length, _parserLimits.MaxHeadSize + 1L);
            if (_headScratch != null && _headScratch.Length < length)
            {
                ArrayPool<byte>.Shared.Return(_headScratch);
                _headScratch = null;
            }
            _headScratch ??= ArrayPool<byte>.Shared.Rent(length);
            buffer.Slice(0, length).CopyTo(_headScratch);
            memory = _headScratch.AsMemory(0, length);
        }
        HttpRequestHead head = _exchange!.Request;
        head.Source = memory;
        if (!Http1Parser.TryParseRequest(memory.Span, head, _parserLimits))
        {
            return false;
        }
        _headEnd = buffer.GetPosition(head.HeadLength);
        return true;
    }

    /// <summary>Lets go of the request head's bytes: consumes them from the pipe and returns the scratch copy.</summary>
    private void ReleaseHead()
    {
        if (!_headConsumed)
        {
            _headConsumed = true;
            _input.AdvanceTo(_headEnd);
        }
        _buffer = default;
        if (_exchange != null)
        {
            _exchange.Request.Source = default;
        }
        if (_headScratch != null)
        {
            ArrayPool<byte>.Shared.Return(_headScratch);
            _headScratch = null;
        }
    }

    private void ReturnExchange()
    {
        ProxyExchange? exchange = _exchange;
        if (exchange != null)
        {
            Volatile.Write(ref _exchange, null);
            _entrypoint.ReturnExchange(exchange);
        }
    }

    /// <summary>Starts the facts of a new request: its clock and the bytes of its head.</summary>
    private static void BeginExchange(ProxyExchange exchange, long requestBytes)
    {
        exchange.Facts.StartTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        exchange.Facts.RequestHeadBytes = requestBytes;
        exchange.Facts.RequestBytes = requestBytes;
    }

    /// <summary>
    /// After an error answer, reads (and drops) what the client is still sending for a moment
    /// before closing: closing a socket with unread input sends a reset, and a reset can destroy
    /// the error response before the client reads it (RFC 9112 §9.6).
    /// </summary>
    private async ValueTask LingerAsync()
    {
        _output.Complete();
        SetPhase(ConnectionPhase.Closing, s_lingerTimeout);
        long drained = 0;
        while (drained < MaxLingerBytes)
        {
            ReadResult result = await _input.ReadAsync();
            drained += result.Buffer.Length;
            _input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }
    }

    [InlineArray(64)]
    private struct ClientAddressBuffer
    {
        private byte _element0;
    }

    [InlineArray(8)]
    private struct PortBuffer
    {
        private byte _element0;
    }
}
