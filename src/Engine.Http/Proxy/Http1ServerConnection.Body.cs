using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Engine.Http.Http1;

namespace Engine.Http.Proxy;

internal sealed partial class Http1ServerConnection
{
    // The upstream read in progress once a response head is parsed: the head's bytes and
    // whatever body bytes arrived with them.
    private ReadOnlySequence<byte> _upstreamBuffer;
    private bool _upstreamCompleted;
    private RequestRejectionReason _requestBodyRejection;
    private ChunkedDecoder _requestDecoder;

    /// <summary>
    /// Streams the request body to the upstream, re-framing chunked bodies. Runs beside the
    /// response read, so an origin may answer before the body is complete (and so that
    /// backpressure in either direction never deadlocks the other).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<BodyOutcome> ForwardRequestBodyAsync(UpstreamConnection upstream)
    {
        PipeWriter target = upstream.Output;
        bool chunked = _head!.Chunked;
        long remaining = _head!.ContentLength;
        long total = 0;
        long maxBody = _limits.MaxRequestBodySize ?? long.MaxValue;
        _requestDecoder.Reset();
        try
        {
            while (true)
            {
                ReadResult result = await _input.ReadAsync();
                if (result.IsCanceled)
                {
                    return BodyOutcome.Abandoned;
                }
                ReadOnlySequence<byte> buffer = result.Buffer;
                bool done;
                if (chunked)
                {
                    var reader = new SequenceReader<byte>(buffer);
                    try
                    {
                        done = ForwardChunks(ref reader, target, rechunk: true, ref _requestDecoder, _parserLimits, ref total, maxBody);
                        _exchange.RequestBytes = _exchange.RequestHeadBytes + total;
                    }
                    catch (HttpParseException)
                    {
                        // Every read is paired with an AdvanceTo, or the next read (the linger) throws.
                        _input.AdvanceTo(buffer.End);
                        throw;
                    }
                    _input.AdvanceTo(reader.Position, buffer.End);
                }
                else
                {
                    long take = Math.Min(remaining, buffer.Length);
                    WriteSequence(target, buffer.Slice(0, take));
                    _exchange.RequestBytes += take;
                    remaining -= take;
                    done = remaining == 0;
                    _input.AdvanceTo(buffer.GetPosition(take));
                }

                FlushResult flushed = await target.FlushAsync();
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return BodyOutcome.UpstreamFailed;
                }
                if (done)
                {
                    return BodyOutcome.Completed;
                }
                if (result.IsCompleted)
                {
                    return BodyOutcome.DownstreamFailed;
                }
                if (_phase == ConnectionPhase.Body)
                {
                    SetPhase(ConnectionPhase.Body, _timeouts.BodyIdleTimeout);
                }
            }
        }
        catch (HttpParseException ex)
        {
            _requestBodyRejection = ex.Reason;
            upstream.Abort();
            return BodyOutcome.Rejected;
        }
    }

    /// <summary>Waits for the request body forwarder, stopping it first if it is still running.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<BodyOutcome> FinishRequestBodyAsync(ValueTask<BodyOutcome> requestBody, UpstreamConnection upstream)
    {
        if (!requestBody.IsCompleted)
        {
            // Thread A (here) ends the exchange while thread B (the forwarder) waits on the
            // client or on the upstream; cancelling both waits makes B return. A cancel that
            // lands after B finished on its own is absorbed by the next head read.
            _input.CancelPendingRead();
            upstream.Output.CancelPendingFlush();
        }
        return await requestBody;
    }

    /// <summary>Reads the response head, relaying interim (1xx) responses to the client on the way.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ResponseHeadOutcome> ReadResponseHeadAsync(UpstreamConnection upstream, HttpMethod method, HttpVersion clientVersion)
    {
        HttpResponseHead response = upstream.ResponseHead;
        PipeReader input = upstream.Input;
        response.Reset();
        bool anyByte = false;
        while (true)
        {
            ReadResult result = await input.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (upstream.TimedOut)
            {
                return ResponseHeadOutcome.TimedOut;
            }
            if (result.IsCanceled)
            {
                return anyByte ? ResponseHeadOutcome.Truncated : ResponseHeadOutcome.ClosedEarly;
            }
            anyByte |= !buffer.IsEmpty;
            try
            {
                if (TryParseResponseHead(upstream, buffer, method))
                {
                    if (response.IsInformational && response.StatusCode != 101)
                    {
                        if (clientVersion == HttpVersion.Http11)
                        {
                            var writer = new SpanWriter(_output);
                            HeadWriter.WriteInterimResponse(ref writer, response);
                            writer.Commit();
                            await _output.FlushAsync();
                        }
                        input.AdvanceTo(buffer.GetPosition(response.HeadLength));
                        response.Reset();
                        continue;
                    }
                    if (response.Framing == BodyFraming.Tunnel)
                    {
                        // The proxy never asks for an upgrade here, so a 101 or a CONNECT tunnel is a protocol error.
                        input.AdvanceTo(buffer.End);
                        return ResponseHeadOutcome.Invalid;
                    }
                    _upstreamBuffer = buffer;
                    _upstreamCompleted = result.IsCompleted;
                    return ResponseHeadOutcome.Received;
                }
            }
            catch (HttpParseException ex)
            {
                input.AdvanceTo(buffer.End);
                _entrypoint.Log.InvalidUpstreamResponse(upstream.Pool.Destination.Name, ex.Reason, ex.Offset);
                return ResponseHeadOutcome.Invalid;
            }
            if (result.IsCompleted)
            {
                input.AdvanceTo(buffer.End);
                return anyByte ? ResponseHeadOutcome.Truncated : ResponseHeadOutcome.ClosedEarly;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private bool TryParseResponseHead(UpstreamConnection upstream, in ReadOnlySequence<byte> buffer, HttpMethod method)
    {
        HttpResponseHead response = upstream.ResponseHead;
        ReadOnlyMemory<byte> memory;
        if (buffer.IsSingleSegment)
        {
            memory = buffer.First;
        }
        else
        {
            int max = _entrypoint.ResponseParserLimits.MaxHeadSize + 1;
            int length = (int)Math.Min(buffer.Length, max);
            byte[] scratch = upstream.HeadScratch(max);
            buffer.Slice(0, length).CopyTo(scratch);
            memory = scratch.AsMemory(0, length);
        }
        response.Source = memory;
        return Http1Parser.TryParseResponse(memory.Span, response, method, _entrypoint.ResponseParserLimits);
    }

    /// <summary>Writes the response head and streams the body to the client.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RelayOutcome> RelayResponseAsync(UpstreamConnection upstream, bool keepAlive, bool clientIsHttp10)
    {
        HttpResponseHead response = upstream.ResponseHead;
        PipeReader input = upstream.Input;
        ResponseFraming framing = response.Framing switch
        {
            BodyFraming.ContentLength => ResponseFraming.ContentLength,
            BodyFraming.Chunked => clientIsHttp10 ? ResponseFraming.UntilClose : ResponseFraming.Chunked,
            BodyFraming.UntilClose => ResponseFraming.UntilClose,
            _ => ResponseFraming.None,
        };
        bool close = !keepAlive || framing == ResponseFraming.UntilClose;
        _metrics.OnResponse(response.StatusCode);

        var headWriter = new SpanWriter(_output);
        HeadWriter.WriteResponseHead(ref headWriter, response, framing, close, clientIsHttp10, _stickyCookie, upstream.Pool.Destination);
        headWriter.Commit();
        _exchange.Status = _exchange.UpstreamStatus = response.StatusCode;
        _exchange.ResponseBytes += headWriter.BytesWritten;

        ReadOnlySequence<byte> buffer = _upstreamBuffer.Slice(response.HeadLength);
        _upstreamBuffer = default;
        response.Source = default;
        bool completed = _upstreamCompleted;
        long remaining = response.ContentLength;
        upstream.Decoder.Reset();
        try
        {
            while (true)
            {
                bool done;
                SequencePosition consumed;
                switch (response.Framing)
                {
                    case BodyFraming.ContentLength:
                        long take = Math.Min(remaining, buffer.Length);
                        WriteSequence(_output, buffer.Slice(0, take));
                        _exchange.ResponseBytes += take;
                        remaining -= take;
                        consumed = buffer.GetPosition(take);
                        done = remaining == 0;
                        break;
                    case BodyFraming.Chunked:
                        var reader = new SequenceReader<byte>(buffer);
                        try
                        {
                            done = ForwardChunks(ref reader, _output, framing == ResponseFraming.Chunked, ref upstream.Decoder,
                                _entrypoint.ResponseParserLimits, ref _exchange.ResponseBodyBytes, long.MaxValue);
                        }
                        catch (HttpParseException)
                        {
                            input.AdvanceTo(buffer.End);
                            throw;
                        }
                        consumed = reader.Position;
                        break;
                    case BodyFraming.UntilClose:
                        WriteSequence(_output, buffer);
                        _exchange.ResponseBytes += buffer.Length;
                        consumed = buffer.End;
                        done = completed;
                        break;
                    default:
                        consumed = buffer.Start;
                        done = true;
                        break;
                }
                // Bytes past the end of the message were not asked for: the connection is unusable.
                bool extraBytes = done && !buffer.Slice(consumed).IsEmpty;
                input.AdvanceTo(consumed, buffer.End);

                FlushResult flushed = await _output.FlushAsync();
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return new RelayOutcome(upstreamReusable: false, downstreamKeepAlive: false, downstreamFailed: true);
                }
                if (done)
                {
                    bool reusable = response.KeepAlive && !extraBytes && framing != ResponseFraming.UntilClose && !completed;
                    return new RelayOutcome(reusable, !close, downstreamFailed: false);
                }
                if (completed)
                {
                    return Truncated(upstream);
                }

                SetPhase(ConnectionPhase.Body, _timeouts.BodyIdleTimeout);
                ReadResult result = await input.ReadAsync();
                if (result.IsCanceled || _downstreamReset)
                {
                    return new RelayOutcome(upstreamReusable: false, downstreamKeepAlive: false, downstreamFailed: _downstreamReset);
                }
                buffer = result.Buffer;
                completed = result.IsCompleted;
            }
        }
        catch (HttpParseException ex)
        {
            _entrypoint.Log.InvalidUpstreamResponse(upstream.Pool.Destination.Name, ex.Reason, ex.Offset);
            return Truncated(upstream);
        }
    }

    private RelayOutcome Truncated(UpstreamConnection upstream)
    {
        // Part of the response is already with the client, so no error status can follow:
        // closing the connection is how the client learns the message is incomplete.
        _metrics.OnUpstreamError(UpstreamErrorKind.ResetDuringBody);
        _entrypoint.Log.UpstreamExchangeFailed(upstream.Pool.Destination.Name, UpstreamErrorKind.ResetDuringBody);
        return new RelayOutcome(upstreamReusable: false, downstreamKeepAlive: false, downstreamFailed: false);
    }

    /// <summary>
    /// Decodes chunk framing from <paramref name="reader"/> and writes the data out, re-chunked
    /// (normalised: no extensions, lower-case hex) or raw. True once the last chunk and
    /// trailers are through.
    /// </summary>
    private static bool ForwardChunks(ref SequenceReader<byte> reader, PipeWriter target, bool rechunk,
        ref ChunkedDecoder decoder, HttpParserLimits limits, ref long total, long maxBody)
    {
        var writer = new SpanWriter(target);
        while (true)
        {
            ChunkedStatus status = decoder.Read(ref reader, limits, out ReadOnlySequence<byte> data);
            switch (status)
            {
                case ChunkedStatus.Data:
                    total += data.Length;
                    if (total > maxBody)
                    {
                        writer.Commit();
                        HttpParseException.Throw(RequestRejectionReason.BodyTooLarge, 0);
                    }
                    if (rechunk)
                    {
                        writer.WriteHex(data.Length);
                        writer.Write("\r\n"u8);
                        writer.Write(data);
                        writer.Write("\r\n"u8);
                    }
                    else
                    {
                        writer.Write(data);
                    }
                    break;
                case ChunkedStatus.Completed:
                    if (rechunk)
                    {
                        writer.Write("0\r\n"u8);
                        writer.Write(data);
                        writer.Write("\r\n"u8);
                    }
                    writer.Commit();
                    return true;
                default:
                    writer.Commit();
                    return false;
            }
        }
    }

    private static void WriteSequence(PipeWriter writer, in ReadOnlySequence<byte> data)
    {
        foreach (ReadOnlyMemory<byte> segment in data)
        {
            writer.Write(segment.Span);
        }
    }
}

/// <summary>How relaying a response ended, for the keep-alive decisions on both sides.</summary>
internal readonly struct RelayOutcome(bool upstreamReusable, bool downstreamKeepAlive, bool downstreamFailed)
{
    public bool UpstreamReusable { get; } = upstreamReusable;

    public bool DownstreamKeepAlive { get; } = downstreamKeepAlive;

    public bool DownstreamFailed { get; } = downstreamFailed;
}
