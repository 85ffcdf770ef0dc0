namespace Engine.Http;

/// <summary>
/// The protocol-neutral view of a request head that routing, balancing and forwarding read.
/// It owns no bytes: every field is an offset into <see cref="Source"/>, the head's contiguous
/// bytes (a pipe segment read in place, or a per-connection scratch copy when the head spans
/// segments). An HTTP/1.1 parser fills it from the wire; the HTTP/2 framer will fill it from a
/// decoded header block. One instance lives per connection (or stream) and is reset per request.
/// </summary>
public sealed class HttpRequestHead
{
    private HeaderEntry[] _headers;

    public HttpRequestHead(int maxHeaders = 100)
    {
        _headers = new HeaderEntry[Math.Min(maxHeaders, 16)];
        MaxHeaders = maxHeaders;
        Reset();
    }

    public int MaxHeaders { get; }

    /// <summary>The head's bytes, from the first byte of the request line.</summary>
    public ReadOnlyMemory<byte> Source;

    public HttpMethod Method;
    public int MethodLength;
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
    public HttpVersion Version;
    public ConnectionOptions Connection;
    public bool ExpectContinue;
    /// <summary>Content-Length, or -1 when the request has none.</summary>
    public long ContentLength;
    public bool Chunked;
    public int HeaderCount;
    /// <summary>Bytes of the head including the final empty line; 0 until parsed.</summary>
    public int HeadLength;
    /// <summary>Parser resume point: bytes of whole lines already validated.</summary>
    public int ParsedOffset;

    public ReadOnlySpan<HeaderEntry> Headers => _headers.AsSpan(0, HeaderCount);

    public ReadOnlySpan<byte> MethodBytes => Source.Span.Slice(0, MethodLength);
    public ReadOnlySpan<byte> Target => Source.Span.Slice(TargetStart, TargetLength);
    public ReadOnlySpan<byte> Path => Source.Span.Slice(PathStart, PathLength);
    public ReadOnlySpan<byte> Query => QueryLength < 0 ? default : Source.Span.Slice(QueryStart, QueryLength);
    public ReadOnlySpan<byte> Authority => Source.Span.Slice(AuthorityStart, AuthorityLength);

    /// <summary>True when a body follows the head (RFC 9112 §6.3: chunked, or Content-Length &gt; 0).</summary>
    public bool HasBody => Chunked || ContentLength > 0;

    public bool KeepAlive => (Connection & ConnectionOptions.Close) == 0;

    public ReadOnlySpan<byte> NameOf(in HeaderEntry header) => Source.Span.Slice(header.NameStart, header.NameLength);

    public ReadOnlySpan<byte> ValueOf(in HeaderEntry header) => Source.Span.Slice(header.ValueStart, header.ValueLength);

    /// <summary>Appends a header slot; the caller checks <see cref="MaxHeaders"/> first.</summary>
    public ref HeaderEntry AddHeader()
    {
        if (HeaderCount == _headers.Length)
        {
            Array.Resize(ref _headers, Math.Min(_headers.Length * 2, MaxHeaders));
        }
        return ref _headers[HeaderCount++];
    }

    public ref HeaderEntry HeaderAt(int index) => ref _headers[index];

    public void Reset()
    {
        Source = default;
        Method = HttpMethod.Custom;
        MethodLength = 0;
        TargetStart = TargetLength = 0;
        TargetForm = RequestTargetForm.Origin;
        PathStart = PathLength = 0;
        QueryStart = 0;
        QueryLength = -1;
        AuthorityStart = AuthorityLength = 0;
        Version = HttpVersion.Http11;
        Connection = ConnectionOptions.None;
        ExpectContinue = false;
        ContentLength = -1;
        Chunked = false;
        HeaderCount = 0;
        HeadLength = 0;
        ParsedOffset = 0;
    }
}

/// <summary>RFC 9112 §3.2: the four forms of request-target.</summary>
public enum RequestTargetForm : byte
{
    Origin,
    Absolute,
    Authority,
    Asterisk,
}
