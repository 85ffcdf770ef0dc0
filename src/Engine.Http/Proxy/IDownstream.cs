using System.Buffers;
using Engine.Http.Http1;

namespace Engine.Http.Proxy;

/// <summary>
/// The client side of one exchange as the proxy pipeline sees it, whatever protocol carries it:
/// the HTTP/1.1 connection implements it today (one exchange at a time), an HTTP/2 stream will
/// tomorrow. The pipeline never touches the downstream's pipes or framing; it reads the request
/// body as decoded data and hands over the response head and decoded body data, and the
/// downstream frames them (chunked or Content-Length on HTTP/1.1, DATA frames on HTTP/2).
/// </summary>
internal interface IDownstream
{
    /// <summary>"http" or "https": how the client reached the proxy (for X-Forwarded-Proto).</summary>
    ReadOnlySpan<byte> Scheme { get; }

    /// <summary>The client's address as text (for X-Forwarded-For and the access log).</summary>
    ReadOnlySpan<byte> ClientAddress { get; }

    /// <summary>The client's address, for rules (<c>ClientIP</c>) and balancing.</summary>
    System.Net.IPAddress? ClientIp { get; }

    /// <summary>The port the client connected to, as text (for X-Forwarded-Port).</summary>
    ReadOnlySpan<byte> LocalPort { get; }

    /// <summary>The connection's number, for logs.</summary>
    long ConnectionId { get; }

    /// <summary>True once the client reset the connection: nothing more can reach it.</summary>
    bool IsReset { get; }

    /// <summary>True when the client asked for no more exchanges (or the proxy is draining).</summary>
    bool WantsClose { get; }

    /// <summary>Moves the exchange into <paramref name="phase"/>, whose deadline is <paramref name="timeout"/> from now.</summary>
    void EnterPhase(ConnectionPhase phase, TimeSpan timeout);

    /// <summary>
    /// Called once the request head has been copied upstream: a downstream that kept the head's
    /// bytes in its input (to retry without a copy) lets go of them so the body can be read.
    /// </summary>
    void ReleaseRequestHead();

    /// <summary>Answers <c>Expect: 100-continue</c> when the request asked for it and the protocol allows.</summary>
    ValueTask SendContinueIfExpectedAsync();

    /// <summary>
    /// Reads the next piece of the request body, decoded (no chunk framing). The caller writes
    /// all of <see cref="RequestBodyRead.Data"/> out and then calls <see cref="AdvanceRequestBody"/>.
    /// </summary>
    ValueTask<RequestBodyRead> ReadRequestBodyAsync();

    /// <summary>Marks the data of the last read as consumed.</summary>
    void AdvanceRequestBody();

    /// <summary>Makes a pending <see cref="ReadRequestBodyAsync"/> return <see cref="RequestBodyStatus.Abandoned"/>.</summary>
    void CancelRequestBodyRead();

    /// <summary>Relays an interim (1xx) response when the client can take one.</summary>
    ValueTask WriteInterimAsync(HttpResponseHead response);

    /// <summary>
    /// Writes the response head with the exchange's <see cref="ProxyExchange.ResponseEdits"/>
    /// applied; the downstream picks its own framing for the body described by
    /// <paramref name="response"/>. Returns the head's size in bytes.
    /// </summary>
    long WriteResponseHead(ProxyExchange exchange, HttpResponseHead response);

    /// <summary>Writes decoded response body data, framed as the head announced.</summary>
    void WriteResponseBody(in ReadOnlySequence<byte> data);

    /// <summary>Ends the response body (the last chunk on a chunked response, with trailers if any).</summary>
    void CompleteResponseBody(in ReadOnlySequence<byte> trailers);

    /// <summary>True when the connection stays open after the response just written.</summary>
    bool ResponseKeepsAlive { get; }

    /// <summary>Sends what was written; completed or cancelled when the client is gone.</summary>
    ValueTask<System.IO.Pipelines.FlushResult> FlushAsync();

    /// <summary>Sends one of the proxy's own responses (an error, or a middleware's answer).</summary>
    ValueTask SendStatusAsync(ProxyExchange exchange, int status, bool close);
}

/// <summary>How a request body read ended.</summary>
internal enum RequestBodyStatus : byte
{
    /// <summary><see cref="RequestBodyRead.Data"/> holds body bytes (possibly the last).</summary>
    Data,
    /// <summary>The body is complete; nothing more follows.</summary>
    Completed,
    /// <summary>The client closed or reset before the body was complete.</summary>
    ClientGone,
    /// <summary>The body broke a rule (framing, size limit): <see cref="RequestBodyRead.Rejection"/> says which.</summary>
    Rejected,
    /// <summary>The read was cancelled because the exchange ended.</summary>
    Abandoned,
    /// <summary>The client paused longer than body_idle, or sent slower than min_body_rate.</summary>
    TimedOut,
}

/// <summary>One read of the request body.</summary>
internal readonly struct RequestBodyRead(RequestBodyStatus status, ReadOnlySequence<byte> data, RequestRejectionReason rejection = default, bool last = false)
{
    /// <summary>This data ends a body of known length: no completion read follows.</summary>
    public bool Last { get; } = last;

    public RequestBodyStatus Status { get; } = status;

    public ReadOnlySequence<byte> Data { get; } = data;

    public RequestRejectionReason Rejection { get; } = rejection;
}
