using Engine.TestSupport;

namespace Engine.Fuzz.Http1;

/// <summary>Valid messages the mutators start from: each exercises a different part of the grammar.</summary>
internal static class SeedCorpus
{
    public static IEnumerable<byte[]> Requests =>
    [
        Http1Samples.CurlGet,
        Http1Samples.BrowserGet,
        Http1Samples.PlaintextRequest,
        Http1Samples.Ascii("POST /upload?x=1 HTTP/1.1\r\nHost: a.example:8443\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"),
        Http1Samples.Ascii("PUT /chunks HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: gzip, chunked\r\nTE: trailers\r\nTrailer: X-Sum\r\n\r\n"),
        Http1Samples.Ascii("GET http://Origin.Example:80/a/b?c=d HTTP/1.1\r\nHost: ignored.example\r\nConnection: close, X-Secret\r\nX-Secret: 1\r\n\r\n"),
        Http1Samples.Ascii("CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\nProxy-Connection: keep-alive\r\n\r\n"),
        Http1Samples.Ascii("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"),
        Http1Samples.Ascii("GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
        Http1Samples.Ascii("GET /old HTTP/1.0\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nX-Obs: caf\u00e9\t\r\n\r\n"),
        Http1Samples.Ascii("PATCH /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nX-Empty:\r\nX-Forwarded-For: 10.0.0.1\r\nForwarded: for=10.0.0.1;proto=https\r\n\r\n"),
    ];

    public static IEnumerable<byte[]> Responses =>
    [
        Http1Samples.NginxResponse,
        Http1Samples.ChunkedResponse,
        Http1Samples.Ascii("HTTP/1.1 204 No Content\r\nDate: Tue, 14 May 2024 09:12:44 GMT\r\n\r\n"),
        Http1Samples.Ascii("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"),
        Http1Samples.Ascii("HTTP/1.0 200\r\nContent-Type: text/plain\r\n\r\n"),
        Http1Samples.Ascii("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 100\r\n\r\n"),
        Http1Samples.Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nConnection: close, X-Hop\r\nX-Hop: y\r\n\r\n"),
        Http1Samples.Ascii("HTTP/1.1 100 Continue\r\n\r\n"),
    ];

    public static IEnumerable<byte[]> ChunkedBodies =>
    [
        Http1Samples.ChunkedBody(Http1Samples.Payload(40), 16),
        Http1Samples.ChunkedBody("hello world"u8, 5, extension: ";name=value", trailers: "X-Sum: 42\r\nX-Other: a b\r\n"),
        Http1Samples.ChunkedBody("quoted"u8, 3, extension: " ; q=\"a \\\"b\\\" c\""),
        Http1Samples.Ascii("000A\r\n0123456789\r\n00\r\n\r\n"),
        Http1Samples.Ascii("0\r\n\r\n"),
    ];
}
