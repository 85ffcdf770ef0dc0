namespace Engine.Http;

/// <summary>
/// The header store every message head shares (request, response; trailers will use it too):
/// header fields as offsets into the head's contiguous bytes (<see cref="Source"/>), in the
/// order and case they arrived, plus the framing facts every head has. No strings: a field is
/// read as a span when something asks for it. One instance lives with its connection (or
/// exchange) and is reset per message.
/// </summary>
public abstract class HttpHead
{
    private HeaderEntry[] _headers;

    protected HttpHead(int maxHeaders)
    {
        _headers = new HeaderEntry[Math.Min(maxHeaders, 16)];
        MaxHeaders = maxHeaders;
    }

    public int MaxHeaders { get; }

    /// <summary>The head's bytes, from the first byte of the start line.</summary>
    public ReadOnlyMemory<byte> Source;

    public HttpVersion Version;
    public ConnectionOptions Connection;
    /// <summary>Content-Length, or -1 when the message has none.</summary>
    public long ContentLength;
    public bool Chunked;
    public int HeaderCount;
    /// <summary>Bytes of the head including the final empty line; 0 until parsed.</summary>
    public int HeadLength;
    /// <summary>Parser resume point: bytes of whole lines already validated.</summary>
    public int ParsedOffset;

    public ReadOnlySpan<HeaderEntry> Headers => _headers.AsSpan(0, HeaderCount);

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

    /// <summary>Forgets the fields and framing facts; a derived head resets its start line too.</summary>
    protected void ResetFields()
    {
        Source = default;
        Version = HttpVersion.Http11;
        Connection = ConnectionOptions.None;
        ContentLength = -1;
        Chunked = false;
        HeaderCount = 0;
        HeadLength = 0;
        ParsedOffset = 0;
    }
}
