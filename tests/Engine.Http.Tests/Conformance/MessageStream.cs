using System.Buffers;
using Engine.Http.Http1;

namespace Engine.Http.Tests.Conformance;

/// <summary>How a byte stream of one or more messages ended for our parsers.</summary>
/// <param name="Messages">Messages whose head and body were complete before the stream ended or was refused.</param>
/// <param name="MessageStart">Where the message being read when the stream ended starts.</param>
public readonly record struct StreamVerdict(bool Rejected, string Reason, int Offset, int Messages, int MessageStart)
{
    public override string ToString() => Rejected ? $"rejected {Reason} at {Offset} after {Messages} complete message(s)" : $"accepted {Messages} complete message(s)";
}

/// <summary>
/// Plays the role of a connection over a whole byte stream, as llhttp's test runner does:
/// heads with <see cref="Http1Parser"/>, bodies by their framing (chunked through
/// <see cref="ChunkedDecoder"/>), pipelined messages one after the other. It stops where a
/// connection would: an upgrade or tunnel, a body without end, or bytes still missing.
/// </summary>
public static class MessageStream
{
    /// <summary>The stand-in reason for bytes after a message that closes the connection.</summary>
    public const string DataAfterClose = "DataAfterClose";

    public static StreamVerdict Run(byte[] input, bool responses, bool skipBody, HttpMethod requestMethod = HttpMethod.Get)
    {
        int pos = 0;
        int messages = 0;
        var request = new HttpRequestHead();
        var response = new HttpResponseHead();
        while (true)
        {
            // A request may be preceded by empty lines (RFC 9112 §2.2); the connection strips them,
            // and does the same before a response (an upstream may send a stray CRLF after a body).
            while (pos + 1 < input.Length && input[pos] == '\r' && input[pos + 1] == '\n')
            {
                pos += 2;
            }
            if (pos >= input.Length)
            {
                return new StreamVerdict(false, "", pos, messages, pos);
            }

            ReadOnlySpan<byte> rest = input.AsSpan(pos);
            long bodyLength;
            bool chunked, tunnel, untilClose, close;
            try
            {
                if (responses)
                {
                    response.Reset();
                    if (!Http1Parser.TryParseResponse(rest, response, skipBody ? HttpMethod.Head : requestMethod, HttpParserLimits.Default))
                    {
                        return new StreamVerdict(false, "", pos, messages, pos);
                    }
                    pos += response.HeadLength;
                    chunked = response.Framing == BodyFraming.Chunked;
                    tunnel = response.Framing == BodyFraming.Tunnel;
                    untilClose = response.Framing == BodyFraming.UntilClose;
                    bodyLength = response.Framing == BodyFraming.ContentLength ? response.ContentLength : 0;
                    close = !response.KeepAlive;
                }
                else
                {
                    request.Reset();
                    if (!Http1Parser.TryParseRequest(rest, request, HttpParserLimits.Default))
                    {
                        return new StreamVerdict(false, "", pos, messages, pos);
                    }
                    pos += request.HeadLength;
                    chunked = request.Chunked && !skipBody;
                    tunnel = request.Method == HttpMethod.Connect
                        || ((request.Connection & ConnectionOptions.Upgrade) != 0 && HasUpgradeField(request));
                    untilClose = false;
                    bodyLength = skipBody ? 0 : Math.Max(request.ContentLength, 0);
                    close = !request.KeepAlive;
                }
            }
            catch (HttpParseException e)
            {
                return new StreamVerdict(true, e.Reason.ToString(), pos + e.Offset, messages, pos);
            }
            if (tunnel || untilClose)
            {
                // The rest of the stream is another protocol or the body: not HTTP/1.1 framing.
                return new StreamVerdict(false, "", pos, messages, pos);
            }
            if (chunked)
            {
                var decoder = new ChunkedDecoder();
                var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(input, pos, input.Length - pos));
                try
                {
                    ChunkedStatus status;
                    while ((status = decoder.Read(ref reader, HttpParserLimits.Default, out _)) == ChunkedStatus.Data)
                    {
                    }
                    if (status == ChunkedStatus.NeedMoreData)
                    {
                        return new StreamVerdict(false, "", pos, messages, pos);
                    }
                }
                catch (HttpParseException e)
                {
                    return new StreamVerdict(true, e.Reason.ToString(), pos + e.Offset, messages, pos);
                }
                pos += (int)reader.Consumed;
            }
            else
            {
                if (input.Length - pos < bodyLength)
                {
                    return new StreamVerdict(false, "", pos, messages, pos);
                }
                pos += (int)bodyLength;
            }
            messages++;

            if (close)
            {
                int next = pos;
                while (next + 1 < input.Length && input[next] == '\r' && input[next + 1] == '\n')
                {
                    next += 2;
                }
                return next < input.Length
                    ? new StreamVerdict(true, DataAfterClose, next, messages, next)
                    : new StreamVerdict(false, "", pos, messages, pos);
            }
        }
    }

    private static bool HasUpgradeField(HttpRequestHead head)
    {
        foreach (HeaderEntry header in head.Headers)
        {
            if (header.Known == KnownHeader.Upgrade)
            {
                return true;
            }
        }
        return false;
    }
}
