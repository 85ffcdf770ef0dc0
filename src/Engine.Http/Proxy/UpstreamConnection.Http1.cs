using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Engine.Http.Http1;

namespace Engine.Http.Proxy;

/// <summary>
/// HTTP/1.1 toward the origin: the request head and body framing on the way out, the response
/// head parse and the decoded response body on the way back. The pipeline sees decoded data
/// only; chunk framing is this side's business.
/// </summary>
internal sealed partial class UpstreamConnection
{
    // The response read in progress: the buffer handed out last, how far the caller consumed
    // it, and whether the origin has closed.
    private ReadOnlySequence<byte> _responseBuffer;
    private SequencePosition _responseConsumed;
    private bool _responseBuffered;
    private bool _responseCompleted;
    private long _responseRemaining;
    private bool _requestChunked;
    private HttpParserLimits _responseLimits = HttpParserLimits.Default;

    /// <summary>Writes the request head for the origin, with the exchange's edits and forwarding fields.</summary>
    public void WriteRequestHead(ProxyExchange exchange)
    {
        _requestChunked = exchange.Request.Chunked;
        var writer = new SpanWriter(Output);
        HeadWriter.WriteRequestHead(ref writer, exchange, Pool.HostHeader);
        writer.Commit();
    }

    /// <summary>Body data, chunk-framed when the request's length is unknown.</summary>
    public void WriteRequestBody(in ReadOnlySequence<byte> data) => BodyFramingWriter.WriteData(Output, data, _requestChunked);

    /// <summary>The end of a chunked body: the last chunk and the trailer section as received.</summary>
    public void CompleteRequestBody(in ReadOnlySequence<byte> trailers)
    {
        if (_requestChunked)
        {
            BodyFramingWriter.WriteLastChunk(Output, trailers);
        }
    }

    /// <summary>Reads the response head, relaying interim (1xx) responses to the client on the way.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ResponseHeadOutcome> ReadResponseHeadAsync(ProxyExchange exchange, HttpParserLimits limits, ProxyLog log)
    {
        HttpResponseHead response = ResponseHead;
        _responseLimits = limits;
        response.Reset();
        bool anyByte = false;
        while (true)
        {
            ReadResult result = await Input.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (TimedOut)
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
                if (TryParseResponseHead(buffer, exchange.Request.Method, limits))
                {
                    if (response.IsInformational && response.StatusCode != 101)
                    {
                        await exchange.Downstream.WriteInterimAsync(response);
                        Input.AdvanceTo(buffer.GetPosition(response.HeadLength));
                        response.Reset();
                        continue;
                    }
                    if (response.Framing == BodyFraming.Tunnel)
                    {
                        // The proxy never asks for an upgrade here, so a 101 or a CONNECT tunnel is a protocol error.
                        Input.AdvanceTo(buffer.End);
                        return ResponseHeadOutcome.Invalid;
                    }
                    _responseBuffer = buffer;
                    _responseCompleted = result.IsCompleted;
                    return ResponseHeadOutcome.Received;
                }
            }
            catch (HttpParseException ex)
            {
                Input.AdvanceTo(buffer.End);
                log.InvalidUpstreamResponse(Pool.Destination.Name, ex.Reason, ex.Offset);
                return ResponseHeadOutcome.Invalid;
            }
            if (result.IsCompleted)
            {
                Input.AdvanceTo(buffer.End);
                return anyByte ? ResponseHeadOutcome.Truncated : ResponseHeadOutcome.ClosedEarly;
            }
            Input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private bool TryParseResponseHead(in ReadOnlySequence<byte> buffer, HttpMethod method, HttpParserLimits limits)
    {
        HttpResponseHead response = ResponseHead;
        ReadOnlyMemory<byte> memory;
        if (buffer.IsSingleSegment)
        {
            memory = buffer.First;
        }
        else
        {
            int max = limits.MaxHeadSize + 1;
            int length = (int)Math.Min(buffer.Length, max);
            byte[] scratch = HeadScratch(max);
            buffer.Slice(0, length).CopyTo(scratch);
            memory = scratch.AsMemory(0, length);
        }
        response.Source = memory;
        return Http1Parser.TryParseResponse(memory.Span, response, method, limits);
    }

    /// <summary>Starts reading the body that follows the head just received (some of it may have come with the head).</summary>
    public void BeginResponseBody()
    {
        HttpResponseHead response = ResponseHead;
        _responseBuffer = _responseBuffer.Slice(response.HeadLength);
        _responseConsumed = _responseBuffer.Start;
        _responseBuffered = true;
        _responseRemaining = response.ContentLength;
        Decoder.Reset();
    }

    /// <summary>
    /// The next piece of the response body, decoded from what has arrived, without waiting:
    /// false when more bytes must come first (then <see cref="Input"/> is read and the result
    /// handed to <see cref="OnResponseData"/>). The caller writes all of a Data piece and then
    /// calls <see cref="AdvanceResponseBody"/>. Synchronous on purpose: the relay loop awaits the
    /// pipe itself, so a 1 MiB body costs no extra state machine per read.
    /// </summary>
    public bool TryReadResponseBody(out ResponseBodyRead read)
    {
        if (!_responseBuffered)
        {
            read = default;
            return false;
        }

        ReadOnlySequence<byte> buffer = _responseBuffer;
        switch (ResponseHead.Framing)
        {
            case BodyFraming.ContentLength:
                if (_responseRemaining == 0)
                {
                    _responseConsumed = buffer.Start;
                    read = new ResponseBodyRead(ResponseBodyStatus.Completed, extraBytes: !buffer.IsEmpty);
                    return true;
                }
                long take = Math.Min(_responseRemaining, buffer.Length);
                if (take > 0)
                {
                    _responseRemaining -= take;
                    _responseConsumed = buffer.GetPosition(take);
                    // The last piece says so, with what followed it, so no read waits for bytes that never come.
                    read = _responseRemaining == 0
                        ? new ResponseBodyRead(ResponseBodyStatus.Data, buffer.Slice(0, take), last: true, extraBytes: buffer.Length > take)
                        : new ResponseBodyRead(ResponseBodyStatus.Data, buffer.Slice(0, take));
                    return true;
                }
                break;
            case BodyFraming.Chunked:
                var reader = new SequenceReader<byte>(buffer);
                ChunkedStatus status;
                ReadOnlySequence<byte> data;
                try
                {
                    status = Decoder.Read(ref reader, _responseLimits, out data);
                }
                catch (HttpParseException)
                {
                    _responseConsumed = buffer.End;
                    read = new ResponseBodyRead(ResponseBodyStatus.Invalid);
                    return true;
                }
                _responseConsumed = reader.Position;
                if (status == ChunkedStatus.Data)
                {
                    read = new ResponseBodyRead(ResponseBodyStatus.Data, data, moreBuffered: !reader.End);
                    return true;
                }
                if (status == ChunkedStatus.Completed)
                {
                    read = new ResponseBodyRead(ResponseBodyStatus.Completed, data, extraBytes: !reader.End);
                    return true;
                }
                break;
            case BodyFraming.UntilClose:
                _responseConsumed = buffer.End;
                if (!buffer.IsEmpty)
                {
                    read = new ResponseBodyRead(ResponseBodyStatus.Data, buffer);
                    return true;
                }
                if (_responseCompleted)
                {
                    read = new ResponseBodyRead(ResponseBodyStatus.Completed);
                    return true;
                }
                break;
            default:
                _responseConsumed = buffer.Start;
                read = new ResponseBodyRead(ResponseBodyStatus.Completed, extraBytes: !buffer.IsEmpty);
                return true;
        }

        // Nothing whole in what arrived: wait for more, unless nothing more can come.
        if (_responseCompleted)
        {
            _responseConsumed = buffer.End;
            read = new ResponseBodyRead(ResponseBodyStatus.Truncated);
            return true;
        }
        Input.AdvanceTo(_responseConsumed, buffer.End);
        _responseBuffered = false;
        read = default;
        return false;
    }

    /// <summary>Takes a read of <see cref="Input"/> for <see cref="TryReadResponseBody"/>; false when it was cancelled (the exchange was aborted).</summary>
    public bool OnResponseData(in ReadResult result)
    {
        if (result.IsCanceled)
        {
            Input.AdvanceTo(result.Buffer.Start);
            return false;
        }
        _responseBuffer = result.Buffer;
        _responseCompleted = result.IsCompleted;
        _responseBuffered = true;
        return true;
    }

    /// <summary>Consumes what the last read handed out.</summary>
    public void AdvanceResponseBody()
    {
        Input.AdvanceTo(_responseConsumed);
        _responseBuffered = false;
        _responseBuffer = default;
    }

    /// <summary>Lets go of a buffer a read handed out but nobody advanced past (an exchange that ended early).</summary>
    public void EndResponseBody()
    {
        if (_responseBuffered)
        {
            _responseBuffered = false;
            _responseBuffer = default;
            Input.AdvanceTo(_responseConsumed);
        }
        ResponseHead.Source = default;
    }

    /// <summary>True when another exchange may use the connection after a complete response.</summary>
    public bool ReusableAfterResponse(bool extraBytes) =>
        ResponseHead.KeepAlive && !extraBytes && ResponseHead.Framing != BodyFraming.UntilClose && !_responseCompleted;
}

/// <summary>How a response body read ended.</summary>
internal enum ResponseBodyStatus : byte
{
    Data,
    /// <summary>The body is complete; on a chunked body, <see cref="ResponseBodyRead.Data"/> holds the trailer section.</summary>
    Completed,
    /// <summary>The origin closed before the body was complete.</summary>
    Truncated,
    /// <summary>The body's framing was invalid.</summary>
    Invalid,
}

/// <summary>One read of a response body.</summary>
internal readonly struct ResponseBodyRead(ResponseBodyStatus status, ReadOnlySequence<byte> data = default, bool moreBuffered = false, bool extraBytes = false, bool last = false)
{
    /// <summary>This data ends the body: nothing more follows, no completion read is needed.</summary>
    public bool Last { get; } = last;

    public ResponseBodyStatus Status { get; } = status;

    public ReadOnlySequence<byte> Data { get; } = data;

    /// <summary>More decoded data may follow without waiting: the caller may skip a flush.</summary>
    public bool MoreBuffered { get; } = moreBuffered;

    /// <summary>Bytes followed the end of the message: they were not asked for, so the connection is unusable.</summary>
    public bool ExtraBytes { get; } = extraBytes;
}
