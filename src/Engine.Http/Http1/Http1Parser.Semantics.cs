using System.Runtime.InteropServices;
using System.Text;

namespace Engine.Http.Http1;

/// <summary>
/// End-of-head semantics: what the fields say about framing (RFC 9112 §6), the connection
/// (RFC 9110 §7.6.1) and the authority (RFC 9110 §7.2), checked once the whole head is in.
/// </summary>
public static partial class Http1Parser
{
    /// <summary>What one pass over the fields found.</summary>
    private struct FieldSummary
    {
        public int HostCount;
        public int HostIndex;
        public long ContentLength;
        public int ContentLengthOffset;
        public bool HasTransferEncoding;
        public int TransferEncodingOffset;
        public bool HasConnection;
        public ConnectionOptions Connection;
        public bool ExpectContinue;
    }

    private static void CompleteRequest(ReadOnlySpan<byte> source, HttpRequestHead head)
    {
        Span<HeaderEntry> headers = WritableHeaders(head);
        FieldSummary summary = Summarize(source, headers);

        // :: Step 1: framing (RFC 9112 §6.1, §6.3). Transfer-Encoding beside Content-Length is the
        // classic smuggling vector, so it is refused instead of letting TE win as §6.3 allows.
        if (summary.HasTransferEncoding)
        {
            if (head.Version == HttpVersion.Http10)
            {
                // §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
                HttpParseException.Throw(RequestRejectionReason.UnsupportedTransferEncoding, summary.TransferEncodingOffset);
            }
            if (summary.ContentLength >= 0)
            {
                HttpParseException.Throw(RequestRejectionReason.ContentLengthWithTransferEncoding, summary.ContentLengthOffset);
            }
            // §6.3 rule 4: in a request, a final coding other than chunked leaves the length
            // unknowable, so the server MUST answer 400. chunked twice is as bad (§6.1).
            EvaluateTransferEncoding(source, headers, out int chunkedCount, out bool finalChunked);
            if (chunkedCount != 1 || !finalChunked)
            {
                HttpParseException.Throw(RequestRejectionReason.UnsupportedTransferEncoding, summary.TransferEncodingOffset);
            }
            head.Chunked = true;
        }
        head.ContentLength = summary.ContentLength;

        // :: Step 2: connection options and the fields they nominate.
        ConnectionOptions connection = summary.Connection;
        if (head.Version == HttpVersion.Http10 && (connection & ConnectionOptions.KeepAlive) == 0)
        {
            connection |= ConnectionOptions.Close;
        }
        head.Connection = connection;
        head.ExpectContinue = summary.ExpectContinue;
        if (summary.HasConnection)
        {
            MarkNominatedFields(source, headers);
        }
        head.UpgradeRequested = head.Method == HttpMethod.Connect || ((connection & ConnectionOptions.Upgrade) != 0 && HasField(headers, KnownHeader.Upgrade));

        // :: Step 3: Host (RFC 9112 §3.2): "A server MUST respond with a 400 (Bad Request) status
        // code to any HTTP/1.1 request message that lacks a Host header field and to any request
        // message that contains more than one Host header field line or a Host header field with
        // an invalid field value."
        if (summary.HostCount > 1)
        {
            HttpParseException.Throw(RequestRejectionReason.MultipleHost, headers[summary.HostIndex].NameStart);
        }
        if (summary.HostCount == 0)
        {
            if (head.Version == HttpVersion.Http11)
            {
                HttpParseException.Throw(RequestRejectionReason.MissingHost, source.Length);
            }
            return;
        }
        ref HeaderEntry host = ref headers[summary.HostIndex];
        if (!HostSyntax.IsValid(source.Slice(host.ValueStart, host.ValueLength), requireHost: false, requirePort: false))
        {
            HttpParseException.Throw(RequestRejectionReason.InvalidHost, host.ValueStart);
        }
        // §3.2.2: with an absolute-form target the proxy uses the target's authority and
        // ignores Host; authority-form (CONNECT) is itself the authority.
        if (head.TargetForm is RequestTargetForm.Origin or RequestTargetForm.Asterisk)
        {
            head.AuthorityStart = host.ValueStart;
            head.AuthorityLength = host.ValueLength;
        }
    }

    private static void CompleteResponse(ReadOnlySpan<byte> source, HttpResponseHead head, HttpMethod requestMethod)
    {
        Span<HeaderEntry> headers = WritableHeaders(head);
        FieldSummary summary = Summarize(source, headers);

        ConnectionOptions connection = summary.Connection;
        if (head.Version == HttpVersion.Http10 && (connection & ConnectionOptions.KeepAlive) == 0)
        {
            connection |= ConnectionOptions.Close;
        }
        head.ContentLength = summary.ContentLength;
        if (summary.HasConnection)
        {
            MarkNominatedFields(source, headers);
        }

        // RFC 9112 §6.3, in its order. 101 switches protocols: what follows is the new protocol.
        int status = head.StatusCode;
        BodyFraming framing;
        if (status == 101)
        {
            framing = BodyFraming.Tunnel;
        }
        else if (requestMethod == HttpMethod.Head || status < 200 || status == 204 || status == 304)
        {
            // Rule 1: the length is known to be zero whatever the fields say.
            framing = BodyFraming.None;
        }
        else if (requestMethod == HttpMethod.Connect && status < 300)
        {
            // Rule 2: a 2xx answer to CONNECT turns the connection into a tunnel.
            framing = BodyFraming.Tunnel;
        }
        else if (summary.HasTransferEncoding)
        {
            if (head.Version == HttpVersion.Http10)
            {
                // §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing.
                HttpParseException.Throw(RequestRejectionReason.UnsupportedTransferEncoding, summary.TransferEncodingOffset);
            }
            if (summary.ContentLength >= 0)
            {
                // Rule 3: TE would override, but both together "ought to be handled as an error".
                HttpParseException.Throw(RequestRejectionReason.ContentLengthWithTransferEncoding, summary.ContentLengthOffset);
            }
            EvaluateTransferEncoding(source, headers, out int chunkedCount, out bool finalChunked);
            if (chunkedCount > 1)
            {
                HttpParseException.Throw(RequestRejectionReason.UnsupportedTransferEncoding, summary.TransferEncodingOffset);
            }
            if (finalChunked)
            {
                framing = BodyFraming.Chunked;
                head.Chunked = true;
            }
            else
            {
                // Rule 4: a response whose final coding is not chunked runs until close.
                framing = BodyFraming.UntilClose;
                connection |= ConnectionOptions.Close;
            }
        }
        else if (summary.ContentLength >= 0)
        {
            framing = BodyFraming.ContentLength;
        }
        else
        {
            // Rule 8: no length at all: the body ends when the upstream closes.
            framing = BodyFraming.UntilClose;
            connection |= ConnectionOptions.Close;
        }
        head.Framing = framing;
        head.Connection = connection;
    }

    /// <summary>
    /// One pass over the fields: validates Content-Length, counts Host, reads Connection and
    /// Expect, and marks the fields that are hop-by-hop by name (RFC 9110 §7.6.1). Transfer-Encoding
    /// is hop-by-hop too because the proxy re-frames every body itself; Expect: 100-continue
    /// because the proxy answers it itself.
    /// </summary>
    private static FieldSummary Summarize(ReadOnlySpan<byte> source, Span<HeaderEntry> headers)
    {
        FieldSummary summary = default;
        summary.ContentLength = -1;
        for (int i = 0; i < headers.Length; i++)
        {
            ref HeaderEntry header = ref headers[i];
            ReadOnlySpan<byte> value = source.Slice(header.ValueStart, header.ValueLength);
            switch (header.Known)
            {
                case KnownHeader.Host:
                    summary.HostCount++;
                    summary.HostIndex = summary.HostCount == 1 ? i : summary.HostIndex;
                    break;
                case KnownHeader.ContentLength:
                    long length = ParseContentLength(value, header.ValueStart);
                    if (summary.ContentLength >= 0 && summary.ContentLength != length)
                    {
                        HttpParseException.Throw(RequestRejectionReason.DuplicateContentLength, header.ValueStart);
                    }
                    summary.ContentLength = length;
                    summary.ContentLengthOffset = header.NameStart;
                    break;
                case KnownHeader.TransferEncoding:
                    if (!summary.HasTransferEncoding)
                    {
                        summary.TransferEncodingOffset = header.NameStart;
                    }
                    summary.HasTransferEncoding = true;
                    header.Hop = true;
                    break;
                case KnownHeader.Connection:
                    summary.HasConnection = true;
                    summary.Connection |= ParseConnectionOptions(value);
                    header.Hop = true;
                    break;
                case KnownHeader.KeepAlive or KnownHeader.ProxyConnection or KnownHeader.TE
                    or KnownHeader.Trailer or KnownHeader.Upgrade:
                    header.Hop = true;
                    break;
                case KnownHeader.Expect:
                    if (Ascii.EqualsIgnoreCase(value, "100-continue"u8))
                    {
                        summary.ExpectContinue = true;
                        header.Hop = true;
                    }
                    break;
            }
        }
        return summary;
    }

    /// <summary>
    /// RFC 9110 §8.6: <c>Content-Length = 1*DIGIT</c>. A list of identical values ("42, 42") may be
    /// accepted as that value; different values, empty elements, signs or overflow are refused.
    /// </summary>
    private static long ParseContentLength(ReadOnlySpan<byte> value, int offset)
    {
        long result = -1;
        int i = 0;
        while (true)
        {
            int start = i;
            long number = 0;
            while ((uint)i < (uint)value.Length && HttpCharacters.IsDigit(value[i]))
            {
                int digit = value[i] - '0';
                if (number > (long.MaxValue - digit) / 10)
                {
                    HttpParseException.Throw(RequestRejectionReason.InvalidContentLength, offset + i);
                }
                number = (number * 10) + digit;
                i++;
            }
            if (i == start)
            {
                HttpParseException.Throw(RequestRejectionReason.InvalidContentLength, offset + i);
            }
            if (result >= 0 && result != number)
            {
                HttpParseException.Throw(RequestRejectionReason.DuplicateContentLength, offset + start);
            }
            result = number;
            i = SkipWhitespace(value, i);
            if (i == value.Length)
            {
                return result;
            }
            if (value[i] != ',')
            {
                HttpParseException.Throw(RequestRejectionReason.InvalidContentLength, offset + i);
            }
            i = SkipWhitespace(value, i + 1);
        }
    }

    // RFC 9110 §7.6.1: Connection = #connection-option; connection-option = token (case-insensitive).
    private static ConnectionOptions ParseConnectionOptions(ReadOnlySpan<byte> value)
    {
        ConnectionOptions options = ConnectionOptions.None;
        int pos = 0;
        while (CommaList.TryNext(value, ref pos, out ReadOnlySpan<byte> option))
        {
            options |= KnownOption(option);
        }
        return options;
    }

    private static ConnectionOptions KnownOption(ReadOnlySpan<byte> option) => option.Length switch
    {
        5 when Ascii.EqualsIgnoreCase(option, "close"u8) => ConnectionOptions.Close,
        7 when Ascii.EqualsIgnoreCase(option, "upgrade"u8) => ConnectionOptions.Upgrade,
        10 when Ascii.EqualsIgnoreCase(option, "keep-alive"u8) => ConnectionOptions.KeepAlive,
        _ => ConnectionOptions.None,
    };

    /// <summary>
    /// Every field named by a Connection option is hop-by-hop (RFC 9110 §7.6.1). Host and
    /// Content-Length are deliberately never dropped this way: a sender must not nominate
    /// end-to-end fields, and dropping either would change routing or framing at the next hop.
    /// </summary>
    private static void MarkNominatedFields(ReadOnlySpan<byte> source, Span<HeaderEntry> headers)
    {
        for (int c = 0; c < headers.Length; c++)
        {
            if (headers[c].Known != KnownHeader.Connection)
            {
                continue;
            }
            ReadOnlySpan<byte> value = source.Slice(headers[c].ValueStart, headers[c].ValueLength);
            int pos = 0;
            while (CommaList.TryNext(value, ref pos, out ReadOnlySpan<byte> option))
            {
                if (KnownOption(option) != ConnectionOptions.None)
                {
                    continue;
                }
                for (int i = 0; i < headers.Length; i++)
                {
                    ref HeaderEntry header = ref headers[i];
                    if (header.NameLength == option.Length
                        && header.Known is not (KnownHeader.Host or KnownHeader.ContentLength)
                        && Ascii.EqualsIgnoreCase(source.Slice(header.NameStart, header.NameLength), option))
                    {
                        header.Hop = true;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Reads every Transfer-Encoding field in order as one list (RFC 9112 §6.1) and reports how
    /// often chunked appears and whether it is the final coding. Malformed syntax is refused.
    /// </summary>
    private static void EvaluateTransferEncoding(ReadOnlySpan<byte> source, Span<HeaderEntry> headers, out int chunkedCount, out bool finalChunked)
    {
        chunkedCount = 0;
        finalChunked = false;
        for (int i = 0; i < headers.Length; i++)
        {
            ref HeaderEntry header = ref headers[i];
            if (header.Known != KnownHeader.TransferEncoding)
            {
                continue;
            }
            ReadOnlySpan<byte> value = source.Slice(header.ValueStart, header.ValueLength);
            if (!TransferCodingList.TryRead(value, ref chunkedCount, ref finalChunked, out int errorIndex))
            {
                HttpParseException.Throw(RequestRejectionReason.UnsupportedTransferEncoding, header.ValueStart + errorIndex);
            }
        }
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> value, int i)
    {
        while ((uint)i < (uint)value.Length && HttpCharacters.IsWhitespace(value[i]))
        {
            i++;
        }
        return i;
    }

    // A span over the head's header slots, so the end-of-head pass can set Hop in place without
    // an accessor call per field. Count 0 must not touch slot 0 (MaxHeaders may be 0).
    private static Span<HeaderEntry> WritableHeaders(HttpHead head) =>
        head.HeaderCount == 0 ? default : MemoryMarshal.CreateSpan(ref head.HeaderAt(0), head.HeaderCount);

    private static bool HasField(ReadOnlySpan<HeaderEntry> headers, KnownHeader known)
    {
        foreach (ref readonly HeaderEntry header in headers)
        {
            if (header.Known == known)
            {
                return true;
            }
        }
        return false;
    }
}
