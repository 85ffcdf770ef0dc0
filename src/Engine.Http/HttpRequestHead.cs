namespace Engine.Http;

/// <summary>
/// The request view that routing, balancing, middlewares and forwarding read: the start line
/// (method, target split into path and query, authority) over the shared header store. It owns
/// no bytes: every field is an offset into <see cref="HttpHead.Source"/> (a pipe segment read in
/// place, or a scratch copy when the head spans segments). The HTTP/1.1 parser fills it from the
/// wire; an HTTP/2 stream will fill it from a decoded header block.
/// </summary>
public sealed class HttpRequestHead : HttpHead
{
    public HttpRequestHead(int maxHeaders = 100) : base(maxHeaders) => Reset();

    public HttpMethod Method;
    public int MethodLength;
    public int MethodStart;
    public int TargetStart;
    public int TargetLength;
    public RequestTargetForm TargetForm;
    /// <summary>Path of an origin- or absolute-form target (without the query).</summary>
    public int PathStart;
    public int PathLength;
    /// <summary>Query without its leading '?'; length -1 when the target has no '?'.</summary>
    public int QueryStart;
    public int QueryLength;
    /// <summary>Authority from an absolute-form target, else from Host; length 0 when absent.</summary>
    public int AuthorityStart;
    public int AuthorityLength;
    public bool ExpectContinue;
    /// <summary>The request asks to switch protocols (Upgrade with Connection: upgrade, or CONNECT).</summary>
    public bool UpgradeRequested;

    public ReadOnlySpan<byte> MethodBytes => Source.Span.Slice(MethodStart, MethodLength);
    public ReadOnlySpan<byte> Target => Source.Span.Slice(TargetStart, TargetLength);
    public ReadOnlySpan<byte> Path => Source.Span.Slice(PathStart, PathLength);
    public ReadOnlySpan<byte> Query => QueryLength < 0 ? default : Source.Span.Slice(QueryStart, QueryLength);
    public ReadOnlySpan<byte> Authority => Source.Span.Slice(AuthorityStart, AuthorityLength);

    /// <summary>True when a body follows the head (RFC 9112 §6.3: chunked, or Content-Length &gt; 0).</summary>
    public bool HasBody => Chunked || ContentLength > 0;

    /// <summary>How the request's body is delimited, in protocol-neutral terms.</summary>
    public RequestBodyKind BodyKind =>
        UpgradeRequested ? RequestBodyKind.Upgrade :
        Chunked ? RequestBodyKind.UnknownLength :
        ContentLength > 0 ? RequestBodyKind.Length : RequestBodyKind.None;

    public void Reset()
    {
        ResetFields();
        Method = HttpMethod.Custom;
        MethodStart = MethodLength = 0;
        TargetStart = TargetLength = 0;
        TargetForm = RequestTargetForm.Origin;
        PathStart = PathLength = 0;
        QueryStart = 0;
        QueryLength = -1;
        AuthorityStart = AuthorityLength = 0;
        ExpectContinue = false;
        UpgradeRequested = false;
    }
}

/// <summary>What follows a request head.</summary>
public enum RequestBodyKind : byte
{
    None,
    /// <summary>Exactly <see cref="HttpHead.ContentLength"/> bytes.</summary>
    Length,
    /// <summary>A body whose end the framing marks (HTTP/1.1 chunked, an HTTP/2 stream without content-length).</summary>
    UnknownLength,
    /// <summary>The connection becomes a tunnel once the upstream agrees (WebSocket, CONNECT).</summary>
    Upgrade,
}

/// <summary>RFC 9112 §3.2: the four forms of request-target.</summary>
public enum RequestTargetForm : byte
{
    Origin,
    Absolute,
    Authority,
    Asterisk,
}
