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
    private static readonly byte[] s_host = "Host"u8.ToArray();
    private static readonly byte[] s_forwardedProto = "X-Forwarded-Proto"u8.ToArray();
    private static readonly byte[] s_forwardedHost = "X-Forwarded-Host"u8.ToArray();
    private static readonly byte[] s_forwardedPort = "X-Forwarded-Port"u8.ToArray();
    private static readonly byte[] s_forwardedFor = "X-Forwarded-For"u8.ToArray();

    /// <summary>
    /// request-line for an origin server (RFC 9112 §3.2.1: origin-form), the kept fields, the
    /// framing of the body as the proxy will send it, X-Forwarded-*, the exchange's edits, and
    /// the empty line. A field that an edit sets or removes is cut out of the raw runs; the
    /// forwarding fields the proxy owns give way to an edit that names them.
    /// </summary>
    public static void WriteRequestHead(ref SpanWriter writer, ProxyExchange exchange, ReadOnlySpan<byte> fallbackHost)
    {
        HttpRequestHead head = exchange.Request;
        HeaderEdits edits = exchange.RequestEdits;
        IDownstream downstream = exchange.Downstream;
        ReadOnlySpan<byte> source = head.Source.Span;

        writer.Write(head.MethodBytes);
        writer.WriteByte((byte)' ');
        if (exchange.PathRewritten || head.TargetForm == RequestTargetForm.Absolute)
        {
            ReadOnlySpan<byte> path = exchange.UpstreamPath;
            if (path.IsEmpty)
            {
                writer.WriteByte((byte)'/');
            }
            else
            {
                writer.Write(path);
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

        bool editsRemove = edits.RemovesFields;
        bool sawHost = false;
        bool sawForwardedFor = false;
        bool sawContentLength = false;
        bool keptContentLength = false;
        int runStart = -1;
        ReadOnlySpan<HeaderEntry> headers = head.Headers;
        for (int i = 0; i < headers.Length; i++)
        {
            ref readonly HeaderEntry header = ref headers[i];
            bool keep = !header.Hop;
            switch (header.Known)
            {
                case KnownHeader.ContentLength:
                    // RFC 9110 §8.6: a list of equal values (or the field twice) is sent as one value.
                    keep &= !keptContentLength && IsPlainNumber(head.ValueOf(header));
                    keptContentLength |= keep;
                    sawContentLength = true;
                    break;
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
            if (keep && editsRemove && edits.Drops(source.Slice(header.NameStart, header.NameLength)))
            {
                keep = false;
            }

            WriteField(ref writer, source, headers, i, head.HeadLength, ref runStart, keep);
        }
        FlushRun(ref writer, source, runStart, head.HeadLength);
        if (sawContentLength && !keptContentLength)
        {
            writer.Write("Content-Length: "u8);
            writer.WriteDecimal(head.ContentLength);
            writer.Write("\r\n"u8);
        }

        if ((head.TargetForm == RequestTargetForm.Absolute || !sawHost) && !(editsRemove && edits.Drops(s_host)))
        {
            writer.Write("Host: "u8);
            writer.Write(head.AuthorityLength > 0 ? head.Authority : fallbackHost);
            writer.Write("\r\n"u8);
        }
        if (head.Chunked)
        {
            writer.Write("Transfer-Encoding: chunked\r\n"u8);
        }

        if (!(editsRemove && edits.Drops(s_forwardedFor)))
        {
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
            writer.Write(downstream.ClientAddress);
            writer.Write("\r\n"u8);
        }
        if (!(editsRemove && edits.Drops(s_forwardedProto)))
        {
            writer.Write("X-Forwarded-Proto: "u8);
            writer.Write(downstream.Scheme);
            writer.Write("\r\n"u8);
        }
        if (head.AuthorityLength > 0 && !(editsRemove && edits.Drops(s_forwardedHost)))
        {
            writer.Write("X-Forwarded-Host: "u8);
            writer.Write(head.Authority);
            writer.Write("\r\n"u8);
        }
        if (!(editsRemove && edits.Drops(s_forwardedPort)))
        {
            writer.Write("X-Forwarded-Port: "u8);
            writer.Write(downstream.LocalPort);
            writer.Write("\r\n"u8);
        }
        WriteEdits(ref writer, edits);
        writer.Write("\r\n"u8);
    }

    /// <summary>The fields the edits add: every Append, and each Set that no later edit overrides.</summary>
    public static void WriteEdits(ref SpanWriter writer, HeaderEdits edits)
    {
        ReadOnlySpan<HeaderEdit> all = edits.Edits;
        for (int i = 0; i < all.Length; i++)
        {
            ref readonly HeaderEdit edit = ref all[i];
            if (edit.Kind == HeaderEditKind.Append || (edit.Kind == HeaderEditKind.Set && edits.IsFinalSet(i)))
            {
                writer.Write(edit.Name.Span);
                writer.Write(": "u8);
                writer.Write(edit.Value.Span);
                writer.Write("\r\n"u8);
            }
        }
    }

    /// <summary>
    /// status-line as HTTP/1.1 with the upstream's code and reason, the kept fields, and the
    /// framing and connection fields for the downstream client.
    /// </summary>
    public static void WriteResponseHead(ref SpanWriter writer, HttpResponseHead head, ResponseFraming framing, bool close, bool clientIsHttp10, HeaderEdits? edits = null, StickySessionModel? stickyCookie = null, DestinationState? pinned = null, bool interim = false)
    {
        bool editsRemove = edits is { RemovesFields: true };
        ReadOnlySpan<byte> source = head.Source.Span;
        ReadOnlySpan<HeaderEntry> headers = head.Headers;
        int statusLineEnd = headers.Length > 0 ? headers[0].NameStart : head.HeadLength - 2;

        // "HTTP/1.x" is 8 bytes; the rest of the status line (" 200 OK\r\n") is copied as is.
        writer.Write("HTTP/1.1"u8);
        writer.Write(source[8..statusLineEnd]);

        int runStart = -1;
        bool sawDate = false;
        bool sawContentLength = false;
        bool keptContentLength = false;
        for (int i = 0; i < headers.Length; i++)
        {
            ref readonly HeaderEntry header = ref headers[i];
            // Content-Length stays even without a body (HEAD, 304): it describes the representation.
            bool keep = !header.Hop && !(editsRemove && edits!.Drops(source.Slice(header.NameStart, header.NameLength)));
            if (header.Known == KnownHeader.Date)
            {
                sawDate = true;
            }
            else if (header.Known == KnownHeader.ContentLength && keep)
            {
                keep = !keptContentLength && IsPlainNumber(head.ValueOf(header));
                keptContentLength |= keep;
                sawContentLength = true;
            }
            WriteField(ref writer, source, headers, i, head.HeadLength, ref runStart, keep);
        }
        FlushRun(ref writer, source, runStart, head.HeadLength);
        if (sawContentLength && !keptContentLength)
        {
            writer.Write("Content-Length: "u8);
            writer.WriteDecimal(head.ContentLength);
            writer.Write("\r\n"u8);
        }
        if (!sawDate && !interim)
        {
            writer.Write(HttpDate.FieldLine);
        }

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
        if (edits is { IsEmpty: false })
        {
            WriteEdits(ref writer, edits);
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
    /// Copies field <paramref name="index"/> as part of a raw run when it is written the canonical
    /// way (<c>name: value</c>, one space, no trailing whitespace), else rewrites it that way in
    /// place: a tab or spaces around a value are legal but strict recipients refuse them.
    /// </summary>
    private static void WriteField(ref SpanWriter writer, ReadOnlySpan<byte> source, ReadOnlySpan<HeaderEntry> headers, int index, int headLength, ref int runStart, bool keep)
    {
        ref readonly HeaderEntry header = ref headers[index];
        if (!keep || IsCanonical(source, header, LineEnd(headers, index, headLength)))
        {
            ExtendOrFlushRun(ref writer, source, ref runStart, header.NameStart, keep);
            return;
        }
        ExtendOrFlushRun(ref writer, source, ref runStart, header.NameStart, keep: false);
        writer.Write(source.Slice(header.NameStart, header.NameLength));
        writer.Write(header.ValueLength == 0 ? ":"u8 : ": "u8);
        writer.Write(source.Slice(header.ValueStart, header.ValueLength));
        writer.Write("\r\n"u8);
    }

    /// <summary>Where field <paramref name="index"/>'s CRLF starts: two bytes before the next line, or before the head's final CRLF.</summary>
    private static int LineEnd(ReadOnlySpan<HeaderEntry> headers, int index, int headLength) =>
        (index + 1 < headers.Length ? headers[index + 1].NameStart : headLength - 2) - 2;

    private static bool IsCanonical(ReadOnlySpan<byte> source, in HeaderEntry header, int lineEnd)
    {
        int colon = header.NameStart + header.NameLength;
        return header.ValueLength == 0
            ? lineEnd == colon + 1
            : header.ValueStart == colon + 2 && source[colon + 1] == (byte)' ' && header.ValueStart + header.ValueLength == lineEnd;
    }

    private static bool IsPlainNumber(ReadOnlySpan<byte> value) =>
        !value.IsEmpty && !value.ContainsAnyExceptInRange((byte)'0', (byte)'9');

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
        WriteResponseHead(ref writer, head, ResponseFraming.None, close: false, clientIsHttp10: false, interim: true);
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
