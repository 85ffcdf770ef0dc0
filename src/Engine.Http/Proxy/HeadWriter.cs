using Engine.Core.LoadBalancing;

namespace Engine.Http.Proxy;

/// <summary>
/// Rewrites heads for the other side of the proxy. Header lines that pass unchanged are copied
/// as runs of raw bytes (one copy for the common head), so names keep their case, order and
/// spelling; hop-by-hop fields and the ones the proxy owns are cut out of the runs, and the
/// proxy's own fields (framing, X-Forwarded-*) are appended.
/// </summary>
internal static class HeadWriter
{
    /// <summary>What the proxy adds to every forwarded request.</summary>
    internal readonly ref struct ForwardedValues(ReadOnlySpan<byte> clientAddress, ReadOnlySpan<byte> proto, ReadOnlySpan<byte> port, ReadOnlySpan<byte> fallbackHost)
    {
        public ReadOnlySpan<byte> ClientAddress { get; } = clientAddress;

        public ReadOnlySpan<byte> Proto { get; } = proto;

        public ReadOnlySpan<byte> Port { get; } = port;

        /// <summary>The destination's host:port, for an HTTP/1.0 request that sent no Host.</summary>
        public ReadOnlySpan<byte> FallbackHost { get; } = fallbackHost;
    }

    /// <summary>
    /// request-line for an origin server (RFC 9112 §3.2.1: origin-form), the kept fields, the
    /// framing of the body as the proxy will send it, X-Forwarded-*, and the empty line.
    /// </summary>
    public static void WriteRequestHead(ref SpanWriter writer, HttpRequestHead head, in ForwardedValues forwarded)
    {
        ReadOnlySpan<byte> source = head.Source.Span;

        writer.Write(head.MethodBytes);
        writer.WriteByte((byte)' ');
        if (head.TargetForm == RequestTargetForm.Absolute)
        {
            if (head.PathLength == 0)
            {
                writer.WriteByte((byte)'/');
            }
            else
            {
                writer.Write(head.Path);
            }
            if (head.QueryLength >= 0)
            {
                writer.WriteByte((byte)'?');
                writer.Write(head.Query);
            }
        }
        else
        {
            writer.Write(head.Target);
        }
        writer.Write(" HTTP/1.1\r\n"u8);

        bool sawHost = false;
        bool sawForwardedFor = false;
        int runStart = -1;
        ReadOnlySpan<HeaderEntry> headers = head.Headers;
        for (int i = 0; i < headers.Length; i++)
        {
            ref readonly HeaderEntry header = ref headers[i];
            bool keep = !header.Hop;
            switch (header.Known)
            {
                case KnownHeader.Host:
                    sawHost = true;
                    // RFC 9112 §3.2.2: an absolute-form target's authority replaces Host.
                    keep &= head.TargetForm != RequestTargetForm.Absolute;
                    break;
                case KnownHeader.XForwardedFor:
                    sawForwardedFor = true;
                    keep = false;
                    break;
                case KnownHeader.XForwardedProto or KnownHeader.XForwardedHost or KnownHeader.XForwardedPort:
                    // Not trusted from a client: the proxy states them itself below.
                    keep = false;
                    break;
            }

            ExtendOrFlushRun(ref writer, source, ref runStart, header.NameStart, keep);
        }
        FlushRun(ref writer, source, runStart, head.HeadLength);

        if (head.TargetForm == RequestTargetForm.Absolute || !sawHost)
        {
            writer.Write("Host: "u8);
            writer.Write(head.AuthorityLength > 0 ? head.Authority : forwarded.FallbackHost);
            writer.Write("\r\n"u8);
        }
        if (head.Chunked)
        {
            writer.Write("Transfer-Encoding: chunked\r\n"u8);
        }

        writer.Write("X-Forwarded-For: "u8);
        if (sawForwardedFor)
        {
            foreach (ref readonly HeaderEntry header in headers)
            {
                if (header.Known == KnownHeader.XForwardedFor && header.ValueLength > 0)
                {
                    writer.Write(head.ValueOf(header));
                    writer.Write(", "u8);
                }
            }
        }
        writer.Write(forwarded.ClientAddress);
        writer.Write("\r\nX-Forwarded-Proto: "u8);
        writer.Write(forwarded.Proto);
        if (head.AuthorityLength > 0)
        {
            writer.Write("\r\nX-Forwarded-Host: "u8);
            writer.Write(head.Authority);
        }
        writer.Write("\r\nX-Forwarded-Port: "u8);
        writer.Write(forwarded.Port);
        writer.Write("\r\n\r\n"u8);
    }

    /// <summary>
    /// status-line as HTTP/1.1 with the upstream's code and reason, the kept fields, and the
    /// framing and connection fields for the downstream client.
    /// </summary>
    public static void WriteResponseHead(ref SpanWriter writer, HttpResponseHead head, ResponseFraming framing, bool close, bool clientIsHttp10, StickySessionModel? stickyCookie = null, DestinationState? pinned = null)
    {
        ReadOnlySpan<byte> source = head.Source.Span;
        ReadOnlySpan<HeaderEntry> headers = head.Headers;
        int statusLineEnd = headers.Length > 0 ? headers[0].NameStart : head.HeadLength - 2;

        // "HTTP/1.x" is 8 bytes; the rest of the status line (" 200 OK\r\n") is copied as is.
        writer.Write("HTTP/1.1"u8);
        writer.Write(source[8..statusLineEnd]);

        int runStart = -1;
        for (int i = 0; i < headers.Length; i++)
        {
            ref readonly HeaderEntry header = ref headers[i];
            // Content-Length stays even without a body (HEAD, 304): it describes the representation.
            bool keep = !header.Hop;
            ExtendOrFlushRun(ref writer, source, ref runStart, header.NameStart, keep);
        }
        FlushRun(ref writer, source, runStart, head.HeadLength);

        if (framing == ResponseFraming.Chunked)
        {
            writer.Write("Transfer-Encoding: chunked\r\n"u8);
        }
        if (close)
        {
            writer.Write("Connection: close\r\n"u8);
        }
        else if (clientIsHttp10)
        {
            writer.Write("Connection: keep-alive\r\n"u8);
        }
        if (stickyCookie != null && pinned != null)
        {
            WriteSetCookie(ref writer, stickyCookie, pinned);
        }
        writer.Write("\r\n"u8);
    }

    /// <summary>
    /// The affinity cookie as its own Set-Cookie field (RFC 6265 §3: never folded into another),
    /// added beside whatever cookies the origin set.
    /// </summary>
    private static void WriteSetCookie(ref SpanWriter writer, StickySessionModel sticky, DestinationState destination)
    {
        int length = sticky.SetCookieLength;
        Span<byte> value = length <= 512 ? stackalloc byte[512] : new byte[length];
        if (sticky.TryWriteSetCookie(destination, value, out int written))
        {
            writer.Write("Set-Cookie: "u8);
            writer.Write(value.Slice(0, written));
            writer.Write("\r\n"u8);
        }
    }

    /// <summary>
    /// Header lines are contiguous in the head, so a kept line starts or extends a run of raw
    /// bytes and a dropped line ends it: one copy per run instead of one per field.
    /// </summary>
    private static void ExtendOrFlushRun(ref SpanWriter writer, ReadOnlySpan<byte> source, ref int runStart, int nameStart, bool keep)
    {
        if (keep)
        {
            if (runStart < 0)
            {
                runStart = nameStart;
            }
        }
        else if (runStart >= 0)
        {
            writer.Write(source[runStart..nameStart]);
            runStart = -1;
        }
    }

    /// <summary>Writes the open run, which ends where the head's final CRLF begins.</summary>
    private static void FlushRun(ref SpanWriter writer, ReadOnlySpan<byte> source, int runStart, int headLength)
    {
        if (runStart >= 0)
        {
            writer.Write(source[runStart..(headLength - 2)]);
        }
    }

    /// <summary>An interim (1xx) response, passed on with its fields but none of the hop-by-hop ones.</summary>
    public static void WriteInterimResponse(ref SpanWriter writer, HttpResponseHead head) =>
        WriteResponseHead(ref writer, head, ResponseFraming.None, close: false, clientIsHttp10: false);
}

/// <summary>How the proxy frames a response body toward the downstream client.</summary>
internal enum ResponseFraming : byte
{
    None,
    ContentLength,
    /// <summary>Re-chunked for an HTTP/1.1 client.</summary>
    Chunked,
    /// <summary>Raw bytes until the connection closes (HTTP/1.0 client, or no length known).</summary>
    UntilClose,
}
