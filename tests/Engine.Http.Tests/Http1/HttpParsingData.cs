using Engine.Http.Http1;
using Engine.TestSupport;

namespace Engine.Http.Tests.Http1;

/// <summary>
/// The raw-bytes corpus of the HTTP/1.1 parser tests (after Kestrel's HttpParsingData): valid
/// cross-products with the fields they must produce, and invalid inputs with the exact reason.
/// Strings are Latin-1, so "\u00XX" stands for the byte 0xXX.
/// </summary>
public static class HttpParsingData
{
    /// <summary>One valid request and what the parser must report for it.</summary>
    public sealed record ValidRequest(
        string Raw,
        HttpMethod Method,
        string MethodText,
        RequestTargetForm Form,
        string Path,
        string? Query,
        string Authority,
        HttpVersion Version,
        long ContentLength,
        bool Chunked,
        bool KeepAlive,
        int HeaderCount)
    {
        public byte[] Bytes => Http1Samples.Ascii(Raw);

        public override string ToString() => Raw.Replace("\r\n", "\\r\\n", StringComparison.Ordinal);
    }

    private static readonly (string Text, HttpMethod Method)[] Methods =
    [
        ("GET", HttpMethod.Get), ("HEAD", HttpMethod.Head), ("POST", HttpMethod.Post), ("PUT", HttpMethod.Put),
        ("DELETE", HttpMethod.Delete), ("OPTIONS", HttpMethod.Options), ("TRACE", HttpMethod.Trace),
        ("PATCH", HttpMethod.Patch), ("PURGE", HttpMethod.Custom), ("get", HttpMethod.Custom), ("M-SEARCH", HttpMethod.Custom),
    ];

    // (target, form, path, query, authority from the target or null to take Host)
    private static readonly (string Target, RequestTargetForm Form, string Path, string? Query, string? Authority)[] Targets =
    [
        ("/", RequestTargetForm.Origin, "/", null, null),
        ("/a/b%20c?x=1&y=%2F", RequestTargetForm.Origin, "/a/b%20c", "x=1&y=%2F", null),
        ("/search?", RequestTargetForm.Origin, "/search", "", null),
        ("/p?q?r#frag", RequestTargetForm.Origin, "/p", "q?r", null),  // the fragment is stripped
        ("/docs#intro", RequestTargetForm.Origin, "/docs", null, null),
        ("http://origin.example/p?q", RequestTargetForm.Absolute, "/p", "q", "origin.example"),
        ("HTTPS://origin.example:8443", RequestTargetForm.Absolute, "", null, "origin.example:8443"),
        ("http://[2001:db8::1]:80?only=query", RequestTargetForm.Absolute, "", "only=query", "[2001:db8::1]:80"),
    ];

    // (header lines, content length, chunked, keep-alive for 1.1 / for 1.0, header count); Host comes first
    private static readonly (string Lines, long ContentLength, bool Chunked, bool KeepAlive11, bool KeepAlive10, int Count)[] HeaderSets =
    [
        ("", -1, false, true, false, 1),
        ("Content-Length: 11\r\n", 11, false, true, false, 2),
        ("content-length: 5, 5\r\nCONTENT-LENGTH: 5\r\nConnection: keep-alive\r\n", 5, false, true, true, 4),
        ("Transfer-Encoding: gzip\r\ntransfer-encoding: Chunked\r\n", -1, true, true, false, 3),
        ("User-Agent: curl/8.5.0\r\nAccept: */*\r\nConnection: close\r\nX-Empty:\r\nX-Obs-Text: caf\u00e9\r\nX-Tabs:\t a\tb \t\r\n", -1, false, false, false, 7),
    ];

    public static IEnumerable<ValidRequest> ValidRequests()
    {
        foreach ((string methodText, HttpMethod method) in Methods)
        {
            foreach (var target in Targets)
            {
                foreach (string version in new[] { "HTTP/1.1", "HTTP/1.0" })
                {
                    bool http10 = version == "HTTP/1.0";
                    foreach (var set in HeaderSets)
                    {
                        if (http10 && set.Chunked)
                        {
                            continue;
                        }
                        string raw = $"{methodText} {target.Target} {version}\r\nHost: host.example:8080\r\n{set.Lines}\r\n";
                        yield return new ValidRequest(
                            raw, method, methodText, target.Form, target.Path, target.Query,
                            target.Authority ?? "host.example:8080",
                            http10 ? HttpVersion.Http10 : HttpVersion.Http11,
                            set.ContentLength, set.Chunked, http10 ? set.KeepAlive10 : set.KeepAlive11, set.Count);
                    }
                }
            }
        }

        // The two forms that only one method may use.
        yield return new ValidRequest("CONNECT origin.example:443 HTTP/1.1\r\nHost: origin.example:443\r\n\r\n",
            HttpMethod.Connect, "CONNECT", RequestTargetForm.Authority, "", null, "origin.example:443", HttpVersion.Http11, -1, false, true, 1);
        yield return new ValidRequest("CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n",
            HttpMethod.Connect, "CONNECT", RequestTargetForm.Authority, "", null, "[::1]:8443", HttpVersion.Http11, -1, false, true, 1);
        yield return new ValidRequest("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
            HttpMethod.Options, "OPTIONS", RequestTargetForm.Asterisk, "", null, "h", HttpVersion.Http11, -1, false, true, 1);
        yield return new ValidRequest("GET / HTTP/1.1\r\nHost:\r\n\r\n",
            HttpMethod.Get, "GET", RequestTargetForm.Origin, "/", null, "", HttpVersion.Http11, -1, false, true, 1);
        yield return new ValidRequest("GET / HTTP/1.0\r\n\r\n",
            HttpMethod.Get, "GET", RequestTargetForm.Origin, "/", null, "", HttpVersion.Http10, -1, false, false, 0);
    }

    /// <summary>Invalid requests: name, bytes, the one reason the parser must give.</summary>
    public static TheoryData<string, string, RequestRejectionReason> InvalidRequests() => new()
    {
        // Request line (RFC 9112 §3)
        { "empty method", " / HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidMethod },
        { "separator in method", "G@T / HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidMethod },
        { "tab after method", "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidMethod },
        { "two spaces after method", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestLine },
        { "no version", "GET /\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestLine },
        { "method only", "GET\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestLine },
        { "trailing space after version", "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestLine },
        { "two spaces before version", "GET /  HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestLine },
        { "lower-case version", "GET / http/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestLine },
        { "HTTP/0.9 style", "GET /\r\n\r\n", RequestRejectionReason.InvalidRequestLine },
        { "version with extra digit", "GET / HTTP/1.10\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestLine },
        { "HTTP/1.2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", RequestRejectionReason.UnrecognizedHttpVersion },
        { "HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", RequestRejectionReason.UnrecognizedHttpVersion },
        { "tab in target", "GET /a\tb HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget },
        { "control in target", "GET /a\u0001b HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget },
        { "DEL in target", "GET /a\u007fb HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget },
        { "UTF-8 in target", "GET /caf\u00c3\u00a9 HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget },
        { "asterisk with GET", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget },
        { "asterisk with suffix", "OPTIONS *x HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget },
        { "CONNECT with origin-form", "CONNECT /x HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget },
        { "CONNECT without port", "CONNECT origin.example HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget },
        { "CONNECT with absolute-form", "CONNECT http://origin.example:80/ HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget },
        { "authority-form without CONNECT", "GET origin.example:80 HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget },
        { "other scheme", "GET ftp://origin.example/x HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget },
        { "userinfo in absolute-form", "GET http://user:pw@origin.example/x HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget },
        { "empty host in absolute-form", "GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget },
        { "bare LF after request line", "GET / HTTP/1.1\nHost: h\r\n\r\n", RequestRejectionReason.BareLineFeed },
        { "bare CR after request line", "GET / HTTP/1.1\rHost: h\r\n\r\n", RequestRejectionReason.BareCarriageReturn },
        { "bare CR inside request line", "GET /\r HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.BareCarriageReturn },

        // Field lines (RFC 9112 §5)
        { "space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", RequestRejectionReason.WhitespaceBeforeColon },
        { "tab before colon", "GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding\t: chunked\r\n\r\n", RequestRejectionReason.WhitespaceBeforeColon },
        { "obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n b\r\n\r\n", RequestRejectionReason.ObsoleteLineFolding },
        { "first field line folded", "GET / HTTP/1.1\r\n Host: h\r\n\r\n", RequestRejectionReason.ObsoleteLineFolding },
        { "tab-folded line", "GET / HTTP/1.1\r\nHost: h\r\n\tX: y\r\n\r\n", RequestRejectionReason.ObsoleteLineFolding },
        { "empty name", "GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", RequestRejectionReason.InvalidHeaderName },
        { "space inside name", "GET / HTTP/1.1\r\nHost: h\r\nTransfer- Encoding: chunked\r\n\r\n", RequestRejectionReason.InvalidHeaderName },
        { "no colon", "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", RequestRejectionReason.InvalidHeaderName },
        { "control in name", "GET / HTTP/1.1\r\nHost: h\r\n\u0001Content-Length: 1\r\n\r\n", RequestRejectionReason.InvalidHeaderName },
        { "quote in name", "GET / HTTP/1.1\r\nHost: h\r\nX\"Y: z\r\n\r\n", RequestRejectionReason.InvalidHeaderName },
        { "NUL in value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\u0000b\r\n\r\n", RequestRejectionReason.InvalidHeaderValue },
        { "DEL in value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\u007fb\r\n\r\n", RequestRejectionReason.InvalidHeaderValue },
        { "vertical tab in value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\u000bb\r\n\r\n", RequestRejectionReason.InvalidHeaderValue },
        { "bare CR in value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", RequestRejectionReason.BareCarriageReturn },
        { "bare LF in value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\nTransfer-Encoding: chunked\r\n\r\n", RequestRejectionReason.BareLineFeed },
        { "bare LF ends the head", "GET / HTTP/1.1\r\nHost: h\r\n\n", RequestRejectionReason.BareLineFeed },
        { "CR CR LF", "GET / HTTP/1.1\r\nHost: h\r\r\n\r\n", RequestRejectionReason.BareCarriageReturn },

        // Host (RFC 9112 §3.2)
        { "missing Host", "GET / HTTP/1.1\r\nX: y\r\n\r\n", RequestRejectionReason.MissingHost },
        { "two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", RequestRejectionReason.MultipleHost },
        { "two Host fields in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", RequestRejectionReason.MultipleHost },
        { "space in Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", RequestRejectionReason.InvalidHost },
        { "userinfo in Host", "GET / HTTP/1.1\r\nHost: user@h\r\n\r\n", RequestRejectionReason.InvalidHost },
        { "empty port in Host", "GET / HTTP/1.1\r\nHost: h:\r\n\r\n", RequestRejectionReason.InvalidHost },
        { "letter in port", "GET / HTTP/1.1\r\nHost: h:8o\r\n\r\n", RequestRejectionReason.InvalidHost },
        { "unclosed IP literal", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", RequestRejectionReason.InvalidHost },
        { "bad percent-encoding", "GET / HTTP/1.1\r\nHost: h%zz\r\n\r\n", RequestRejectionReason.InvalidHost },
        { "list in Host", "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", RequestRejectionReason.InvalidHost },
        { "path in Host", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", RequestRejectionReason.InvalidHost },

        // Content-Length (RFC 9110 §8.6)
        { "letters", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n", RequestRejectionReason.InvalidContentLength },
        { "negative", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", RequestRejectionReason.InvalidContentLength },
        { "plus sign", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\n", RequestRejectionReason.InvalidContentLength },
        { "empty", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", RequestRejectionReason.InvalidContentLength },
        { "two numbers with a space", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n", RequestRejectionReason.InvalidContentLength },
        { "empty list element", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1,,1\r\n\r\n", RequestRejectionReason.InvalidContentLength },
        { "decimal point", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1.5\r\n\r\n", RequestRejectionReason.InvalidContentLength },
        { "hex", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n", RequestRejectionReason.InvalidContentLength },
        { "overflow", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9223372036854775808\r\n\r\n", RequestRejectionReason.InvalidContentLength },
        { "2^64 overflow", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551617\r\n\r\n", RequestRejectionReason.InvalidContentLength },
        { "differing list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n", RequestRejectionReason.DuplicateContentLength },
        { "differing fields", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\n", RequestRejectionReason.DuplicateContentLength },

        // Transfer-Encoding (RFC 9112 §6.1, §6.3)
        { "final coding not chunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", RequestRejectionReason.UnsupportedTransferEncoding },
        { "chunked before gzip", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", RequestRejectionReason.UnsupportedTransferEncoding },
        { "chunked twice in one field", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", RequestRejectionReason.UnsupportedTransferEncoding },
        { "chunked twice in two fields", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", RequestRejectionReason.UnsupportedTransferEncoding },
        { "chunked with a parameter", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked;q=1\r\n\r\n", RequestRejectionReason.UnsupportedTransferEncoding },
        { "chunkedchunked", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunkedchunked\r\n\r\n", RequestRejectionReason.UnsupportedTransferEncoding },
        { "space inside the coding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chun ked\r\n\r\n", RequestRejectionReason.UnsupportedTransferEncoding },
        { "empty Transfer-Encoding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\r\n", RequestRejectionReason.UnsupportedTransferEncoding },
        { "Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", RequestRejectionReason.UnsupportedTransferEncoding },
        { "Transfer-Encoding with Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", RequestRejectionReason.ContentLengthWithTransferEncoding },
        { "Transfer-Encoding identity with Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\nContent-Length: 3\r\n\r\n", RequestRejectionReason.ContentLengthWithTransferEncoding },
        { "unterminated quoted parameter", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip;a=\"x, chunked\r\n\r\n", RequestRejectionReason.UnsupportedTransferEncoding },
    };

    /// <summary>Invalid response heads (the request was a GET).</summary>
    public static TheoryData<string, string, RequestRejectionReason> InvalidResponses() => new()
    {
        { "HTTP/2 status line", "HTTP/2 200 OK\r\n\r\n", RequestRejectionReason.InvalidStatusLine },
        { "HTTP/1.2", "HTTP/1.2 200 OK\r\n\r\n", RequestRejectionReason.InvalidStatusLine },
        { "two-digit status", "HTTP/1.1 20 OK\r\n\r\n", RequestRejectionReason.InvalidStatusLine },
        { "four-digit status", "HTTP/1.1 2000 OK\r\n\r\n", RequestRejectionReason.InvalidStatusLine },
        { "status 099", "HTTP/1.1 099 Odd\r\n\r\n", RequestRejectionReason.InvalidStatusLine },
        { "status 600", "HTTP/1.1 600 Odd\r\n\r\n", RequestRejectionReason.InvalidStatusLine },
        { "tab after version", "HTTP/1.1\t200 OK\r\n\r\n", RequestRejectionReason.InvalidStatusLine },
        { "two spaces after version", "HTTP/1.1  200 OK\r\n\r\n", RequestRejectionReason.InvalidStatusLine },
        { "control in reason", "HTTP/1.1 200 O\u0001K\r\n\r\n", RequestRejectionReason.InvalidStatusLine },
        { "bare LF after status line", "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", RequestRejectionReason.BareLineFeed },
        { "space before colon", "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n", RequestRejectionReason.WhitespaceBeforeColon },
        { "obs-fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", RequestRejectionReason.ObsoleteLineFolding },
        { "differing Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", RequestRejectionReason.DuplicateContentLength },
        { "chunked with Content-Length", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n", RequestRejectionReason.ContentLengthWithTransferEncoding },
        { "chunked twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", RequestRejectionReason.UnsupportedTransferEncoding },
        { "Transfer-Encoding in HTTP/1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", RequestRejectionReason.UnsupportedTransferEncoding },
        { "invalid Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", RequestRejectionReason.InvalidContentLength },
    };

    /// <summary>Response framing per RFC 9112 §6.3: head, request method, framing, keep-alive.</summary>
    public static TheoryData<string, HttpMethod, BodyFraming, bool> ResponseFramings() => new()
    {
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", HttpMethod.Get, BodyFraming.ContentLength, true },
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", HttpMethod.Head, BodyFraming.None, true },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", HttpMethod.Head, BodyFraming.None, true },
        { "HTTP/1.1 100 Continue\r\n\r\n", HttpMethod.Post, BodyFraming.None, true },
        { "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n", HttpMethod.Get, BodyFraming.None, true },
        { "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", HttpMethod.Get, BodyFraming.None, true },
        { "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", HttpMethod.Get, BodyFraming.None, true },
        { "HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n", HttpMethod.Get, BodyFraming.Tunnel, true },
        { "HTTP/1.1 200 Connection Established\r\n\r\n", HttpMethod.Connect, BodyFraming.Tunnel, true },
        { "HTTP/1.1 407 Proxy Auth\r\nContent-Length: 0\r\n\r\n", HttpMethod.Connect, BodyFraming.ContentLength, true },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", HttpMethod.Get, BodyFraming.Chunked, true },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", HttpMethod.Get, BodyFraming.UntilClose, false },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", HttpMethod.Get, BodyFraming.UntilClose, false },
        { "HTTP/1.1 200 OK\r\n\r\n", HttpMethod.Get, BodyFraming.UntilClose, false },
        { "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n", HttpMethod.Get, BodyFraming.ContentLength, false },
        { "HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n", HttpMethod.Get, BodyFraming.ContentLength, true },
        { "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n", HttpMethod.Get, BodyFraming.ContentLength, false },
        { "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", HttpMethod.Get, BodyFraming.ContentLength, true },
    };

    /// <summary>Valid chunked bodies: name, bytes, decoded data, raw trailer lines.</summary>
    public static TheoryData<string, string, string, string> ValidChunkedBodies() => new()
    {
        { "one chunk", "5\r\nhello\r\n0\r\n\r\n", "hello", "" },
        { "two chunks", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world", "" },
        { "upper and lower hex", "A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", "0123456789abcdefghij", "" },
        { "leading zeros", "0005\r\nhello\r\n000\r\n\r\n", "hello", "" },
        { "empty body", "0\r\n\r\n", "", "" },
        { "extension without value", "5;ext\r\nhello\r\n0\r\n\r\n", "hello", "" },
        { "extension with token", "5;a=b;c=d\r\nhello\r\n0;last\r\n\r\n", "hello", "" },
        { "extension with quoted string", "5;a=\"x; y \\\" z\"\r\nhello\r\n0\r\n\r\n", "hello", "" },
        { "BWS around extension", "5 ; a = b\t;\tc\r\nhello\r\n0\r\n\r\n", "hello", "" },
        { "one trailer", "5\r\nhello\r\n0\r\nX-Sum: 42\r\n\r\n", "hello", "X-Sum: 42\r\n" },
        { "two trailers", "1\r\na\r\n0\r\nA: 1\r\nB:2 \r\n\r\n", "a", "A: 1\r\nB:2 \r\n" },
        { "CRLF inside data", "4\r\n\r\n\r\n\r\n0\r\n\r\n", "\r\n\r\n", "" },
    };

    /// <summary>Invalid chunked bodies and the reason.</summary>
    public static TheoryData<string, string, RequestRejectionReason> InvalidChunkedBodies() => new()
    {
        { "no size digits", "\r\nhello\r\n0\r\n\r\n", RequestRejectionReason.InvalidChunkSize },
        { "non-hex size", "g\r\n", RequestRejectionReason.InvalidChunkSize },
        { "negative size", "-5\r\nhello\r\n", RequestRejectionReason.InvalidChunkSize },
        { "0x prefix", "0x5\r\nhello\r\n", RequestRejectionReason.InvalidChunkSize },
        { "size of 2^63", "8000000000000000\r\n", RequestRejectionReason.InvalidChunkSize },
        { "size of 2^64", "10000000000000000\r\n", RequestRejectionReason.InvalidChunkSize },
        { "size with too many leading zeros", new string('0', 65) + "1\r\n", RequestRejectionReason.InvalidChunkSize },
        { "size line never ends", "1" + new string('0', 1200), RequestRejectionReason.InvalidChunkSize },
        { "size then letter", "5z\r\nhello\r\n", RequestRejectionReason.InvalidChunkSize },
        { "trailing space after size", "5 \r\nhello\r\n", RequestRejectionReason.InvalidChunkExtension },
        { "extension without semicolon", "5 a\r\nhello\r\n", RequestRejectionReason.InvalidChunkExtension },
        { "empty extension name", "5;\r\nhello\r\n", RequestRejectionReason.InvalidChunkExtension },
        { "extension with empty value", "5;a=\r\nhello\r\n", RequestRejectionReason.InvalidChunkExtension },
        { "unterminated quoted value", "5;a=\"xyz\r\nhello\r\n", RequestRejectionReason.InvalidChunkExtension },
        { "control in extension", "5;a\u0001\r\nhello\r\n", RequestRejectionReason.InvalidChunkExtension },
        { "extension too long", "5;a=" + new string('x', 1100) + "\r\nhello\r\n", RequestRejectionReason.InvalidChunkExtension },
        { "bare LF after size", "5\nhello\r\n0\r\n\r\n", RequestRejectionReason.BareLineFeed },
        { "bare CR after size", "5\rhello\r\n0\r\n\r\n", RequestRejectionReason.BareCarriageReturn },
        { "data longer than size", "3\r\nhello\r\n0\r\n\r\n", RequestRejectionReason.InvalidChunkTerminator },
        { "LF after data", "5\r\nhello\n0\r\n\r\n", RequestRejectionReason.InvalidChunkTerminator },
        { "CR without LF after data", "5\r\nhello\rX0\r\n\r\n", RequestRejectionReason.InvalidChunkTerminator },
        { "missing last chunk", "5\r\nhello\r\n\r\n", RequestRejectionReason.InvalidChunkSize },
        { "trailer without colon", "0\r\nX-Sum 42\r\n\r\n", RequestRejectionReason.InvalidTrailer },
        { "trailer with space before colon", "0\r\nX-Sum : 42\r\n\r\n", RequestRejectionReason.InvalidTrailer },
        { "folded trailer", "0\r\nX-Sum: 42\r\n 43\r\n\r\n", RequestRejectionReason.InvalidTrailer },
        { "control in trailer value", "0\r\nX-Sum: 4\u00002\r\n\r\n", RequestRejectionReason.InvalidTrailer },
        { "bare LF in trailer", "0\r\nX-Sum: 42\n\r\n", RequestRejectionReason.BareLineFeed },
        { "bare LF ends trailers", "0\r\n\n", RequestRejectionReason.BareLineFeed },
        { "trailers too large", "0\r\nX-Big: " + new string('x', 9000) + "\r\n\r\n", RequestRejectionReason.TrailersTooLarge },
    };
}
