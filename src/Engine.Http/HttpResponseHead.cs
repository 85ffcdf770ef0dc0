namespace Engine.Http;

/// <summary>
/// A response head as offsets into its contiguous bytes (<see cref="Source"/>), the mirror of
/// <see cref="HttpRequestHead"/>. Body framing needs the request method and the status, so the
/// parser computes <see cref="Framing"/> from both (RFC 9112 §6.3).
/// </summary>
public sealed class HttpResponseHead
{
    private HeaderEntry[] _headers;

    public HttpResponseHead(int maxHeaders = 100)
    {
        _headers = new HeaderEntry[Math.Min(maxHeaders, 16)];
        MaxHeaders = maxHeaders;
        Reset();
    }

    public int MaxHeaders { get; }

    public ReadOnlyMemory<byte> Source;
    public HttpVersion Version;
    public int StatusCode;
    public int ReasonStart;
    public int ReasonLength;
    public ConnectionOptions Connection;
    public long ContentLength;
    public bool Chunked;
    public BodyFraming Framing;
    public int HeaderCount;
    public int HeadLength;
    public int ParsedOffset;

    public ReadOnlySpan<HeaderEntry> Headers => _headers.AsSpan(0, HeaderCount);

    public ReadOnlySpan<byte> Reason => Source.Span.Slice(ReasonStart, ReasonLength);

    public bool KeepAlive => (Connection & ConnectionOptions.Close) == 0;

    public bool IsInformational => StatusCode is >= 100 and < 200;

    public ReadOnlySpan<byte> NameOf(in HeaderEntry header) => Source.Span.Slice(header.NameStart, header.NameLength);

    public ReadOnlySpan<byte> ValueOf(in HeaderEntry header) => Source.Span.Slice(header.ValueStart, header.ValueLength);

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
        Version = HttpVersion.Http11;
        StatusCode = 0;
        ReasonStart = ReasonLength = 0;
        Connection = ConnectionOptions.None;
        ContentLength = -1;
        Chunked = false;
        Framing = BodyFraming.None;
        HeaderCount = 0;
        HeadLength = 0;
        ParsedOffset = 0;
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
