using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Engine.Core.Timing;
using Engine.Http.Http1;

namespace Engine.Http.Proxy;

/// <summary>
/// The connection as the pipeline's <see cref="IDownstream"/>: HTTP/1.1 body framing in both
/// directions (Content-Length and chunked, decoded on the way in and re-framed on the way out),
/// 100-continue, interim responses and the proxy's own answers.
/// </summary>
internal sealed partial class Http1ServerConnection
{
    // The request body read in progress: where the data handed out last ends, whether a read is
    // waiting for its AdvanceTo, and what is left of a Content-Length body.
    private SequencePosition _bodyConsumed;
    private bool _bodyReadOutstanding;
    private long _bodyRemaining;
    private long _bodyTotal;
    private ChunkedDecoder _requestDecoder;

    // The request body's own clock, beside the phase's: the idle pause allowed before each read,
    // and the minimum average rate after a grace period. The rate counts only time spent waiting
    // for the client, not time the proxy itself waited on a slow origin (backpressure). Set on
    // the reading thread, read by the heartbeat; MaxValue while no body read waits.
    private long _requestBodyDeadline = long.MaxValue;
    private long _requestBodyReadStarted;
    private long _requestBodyWaited;
    private long _requestBodyBytes;
    private volatile bool _requestBodyTimedOut;

    // How the response in progress is framed toward the client.
    private ResponseFraming _responseFraming;
    private bool _responseClose;

    public bool IsReset => _downstreamReset;

    public bool WantsClose => _draining;

    public bool ResponseKeepsAlive => !_responseClose;

    public void EnterPhase(ConnectionPhase phase, TimeSpan timeout) => SetPhase(phase, timeout);

    public void ReleaseRequestHead()
    {
        ReleaseHead();
        HttpRequestHead head = _exchange!.Request;
        _bodyRemaining = head.Chunked ? -1 : Math.Max(head.ContentLength, 0);
        _bodyTotal = 0;
        _bodyReadOutstanding = false;
        _requestDecoder.Reset();
        _requestBodyWaited = 0;
        _requestBodyBytes = 0;
        _requestBodyTimedOut = false;
    }

    /// <summary>
    /// The earlier of: a pause of body_idle from now, and the moment the time spent waiting for
    /// the body would exceed what its bytes buy at min_body_rate (never before the grace period
    /// is used up). Each read that brings data buys more time.
    /// </summary>
    private void ArmRequestBodyDeadline()
    {
        Heartbeat heartbeat = _entrypoint.Heartbeat;
        long now = heartbeat.Now;
        _requestBodyReadStarted = now;
        long deadline = heartbeat.DeadlineAfter(_timeouts.BodyIdleTimeout);
        long rate = _timeouts.MinRequestBodyRate;
        if (rate > 0)
        {
            long grace = (long)(_timeouts.MinRequestBodyRateGrace.TotalSeconds * heartbeat.Frequency);
            long earned = (long)((double)_requestBodyBytes / rate * heartbeat.Frequency);
            deadline = Math.Min(deadline, now + Math.Max(grace, earned) - _requestBodyWaited);
        }
        Volatile.Write(ref _requestBodyDeadline, deadline);
    }

    private void DisarmRequestBodyDeadline()
    {
        Volatile.Write(ref _requestBodyDeadline, long.MaxValue);
        _requestBodyWaited += _entrypoint.Heartbeat.Now - _requestBodyReadStarted;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendContinueIfExpectedAsync()
    {
        HttpRequestHead head = _exchange!.Request;
        if (head.ExpectContinue && head.Version == HttpVersion.Http11)
        {
            // RFC 9110 §10.1.1: the proxy answers the expectation itself and strips it.
            _output.Write(ErrorResponses.Continue100);
            await _output.FlushAsync();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RequestBodyRead> ReadRequestBodyAsync()
    {
        HttpRequestHead head = _exchange!.Request;
        bool chunked = head.Chunked;
        if (!chunked && _bodyRemaining == 0)
        {
            return new RequestBodyRead(RequestBodyStatus.Completed, default);
        }
        long maxBody = _limits.MaxRequestBodySize ?? long.MaxValue;
        while (true)
        {
            ArmRequestBodyDeadline();
            ReadResult result = await _input.ReadAsync();
            DisarmRequestBodyDeadline();
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (result.IsCanceled)
            {
                // Every read is paired with an AdvanceTo, or the next read (the linger) throws.
                _input.AdvanceTo(buffer.Start);
                return new RequestBodyRead(_requestBodyTimedOut ? RequestBodyStatus.TimedOut : RequestBodyStatus.Abandoned, default);
            }
            if (_phase == ConnectionPhase.Body)
            {
                SetPhase(ConnectionPhase.Body, _timeouts.BodyIdleTimeout);
            }

            if (chunked)
            {
                var reader = new SequenceReader<byte>(buffer);
                ChunkedStatus status;
                ReadOnlySequence<byte> data;
                try
                {
                    status = _requestDecoder.Read(ref reader, _parserLimits, out data);
                }
                catch (HttpParseException ex)
                {
                    _input.AdvanceTo(buffer.End);
                    return new RequestBodyRead(RequestBodyStatus.Rejected, default, ex.Reason);
                }
                switch (status)
                {
                    case ChunkedStatus.Data:
                        _bodyTotal += data.Length;
                        _requestBodyBytes += data.Length;
                        if (_bodyTotal > maxBody)
                        {
                            _input.AdvanceTo(buffer.End);
                            return new RequestBodyRead(RequestBodyStatus.Rejected, default, RequestRejectionReason.BodyTooLarge);
                        }
                        _bodyConsumed = reader.Position;
                        _bodyReadOutstanding = true;
                        return new RequestBodyRead(RequestBodyStatus.Data, data);
                    case ChunkedStatus.Completed:
                        _bodyConsumed = reader.Position;
                        _bodyReadOutstanding = true;
                        return new RequestBodyRead(RequestBodyStatus.Completed, data);
                }
                _input.AdvanceTo(reader.Position, buffer.End);
            }
            else
            {
                long take = Math.Min(_bodyRemaining, buffer.Length);
                if (take > 0)
                {
                    _bodyRemaining -= take;
                    _requestBodyBytes += take;
                    _bodyConsumed = buffer.GetPosition(take);
                    _bodyReadOutstanding = true;
                    return new RequestBodyRead(RequestBodyStatus.Data, buffer.Slice(0, take), last: _bodyRemaining == 0);
                }
                _input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (result.IsCompleted)
            {
                return new RequestBodyRead(RequestBodyStatus.ClientGone, default);
            }
        }
    }

    public void AdvanceRequestBody()
    {
        if (_bodyReadOutstanding)
        {
            _bodyReadOutstanding = false;
            _input.AdvanceTo(_bodyConsumed);
        }
    }

    public void CancelRequestBodyRead() => _input.CancelPendingRead();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteInterimAsync(HttpResponseHead response)
    {
        if (_exchange!.Request.Version == HttpVersion.Http11)
        {
            var writer = new SpanWriter(_output);
            HeadWriter.WriteInterimResponse(ref writer, response);
            writer.Commit();
            await _output.FlushAsync();
        }
    }

    public long WriteResponseHead(ProxyExchange exchange, HttpResponseHead response)
    {
        bool clientIsHttp10 = exchange.Request.Version == HttpVersion.Http10;
        _responseFraming = response.Framing switch
        {
            BodyFraming.ContentLength => ResponseFraming.ContentLength,
            BodyFraming.Chunked => clientIsHttp10 ? ResponseFraming.UntilClose : ResponseFraming.Chunked,
            BodyFraming.UntilClose => ResponseFraming.UntilClose,
            _ => ResponseFraming.None,
        };
        bool keepAlive = exchange.Request.KeepAlive && !_draining;
        _responseClose = !keepAlive || _responseFraming == ResponseFraming.UntilClose;

        var writer = new SpanWriter(_output);
        HeadWriter.WriteResponseHead(ref writer, response, _responseFraming, _responseClose, clientIsHttp10,
            exchange.ResponseEdits, exchange.StickyCookie, exchange.Destination);
        writer.Commit();
        return writer.BytesWritten;
    }

    public void WriteResponseBody(in ReadOnlySequence<byte> data) =>
        BodyFramingWriter.WriteData(_output, data, chunked: _responseFraming == ResponseFraming.Chunked);

    public void CompleteResponseBody(in ReadOnlySequence<byte> trailers)
    {
        if (_responseFraming == ResponseFraming.Chunked)
        {
            BodyFramingWriter.WriteLastChunk(_output, trailers);
        }
    }

    // No async wrapper: one state machine less per flush on the body path.
    public ValueTask<FlushResult> FlushAsync() => _output.FlushAsync();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendStatusAsync(ProxyExchange exchange, int status, bool close)
    {
        _metrics.OnResponse(status);
        ReadOnlySpan<byte> response = ErrorResponses.Get(status, close);
        exchange.Facts.Status = status;
        // The proxy's own fields, its Date (RFC 9110 §6.6.1), then a middleware's or the route's
        // response edits (framing fields cannot be edited), then the body.
        ErrorResponses.Split(response, out ReadOnlySpan<byte> fields, out ReadOnlySpan<byte> end);
        var writer = new SpanWriter(_output);
        writer.Write(fields);
        writer.Write(HttpDate.FieldLine);
        if (!exchange.ResponseEdits.IsEmpty)
        {
            HeadWriter.WriteEdits(ref writer, exchange.ResponseEdits);
        }
        // RFC 9110 §9.3.2: the answer to HEAD has the fields a GET's would have, and no body.
        writer.Write(exchange.Request.Method == HttpMethod.Head ? end[..2] : end);
        writer.Commit();
        exchange.Facts.ResponseBytes += writer.BytesWritten;
        await _output.FlushAsync();
    }
}
