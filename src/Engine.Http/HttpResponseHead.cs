namespace Engine.Http;

/// <summary>
/// A response head: the status line over the shared header store. Body framing needs the
/// request method and the status, so the parser computes <see cref="Framing"/> from both
/// (RFC 9112 §6.3).
/// </summary>
public sealed class HttpResponseHead : HttpHead
{
    public HttpResponseHead(int maxHeaders = 100) : base(maxHeaders) => Reset();

    public int StatusCode;
    public int ReasonStart;
    public int ReasonLength;
    public BodyFraming Framing;

    public ReadOnlySpan<byte> Reason => Source.Span.Slice(ReasonStart, ReasonLength);

    public bool IsInformational => StatusCode is >= 100 and < 200;

    public void Reset()
    {
        ResetFields();
        StatusCode = 0;
        ReasonStart = ReasonLength = 0;
        Framing = BodyFraming.None;
    }
}

/// <summary>How the body after a head is delimited (RFC 9112 §6.3).</summary>
public enum BodyFraming : byte
{
    /// <summary>No body: HEAD responses, 1xx, 204, 304, or a request without length.</summary>
    None,
    ContentLength,
    Chunked,
    /// <summary>A response without length: the body runs until the upstream closes.</summary>
    UntilClose,
    /// <summary>A 2xx answer to CONNECT or a 101: the connection becomes a tunnel.</summary>
    Tunnel,
}
