namespace Engine.Http.Http1;

/// <summary>Size limits the HTTP/1.1 parser enforces while reading a head.</summary>
public sealed record HttpParserLimits
{
    /// <summary>Longest request line (or status line) in bytes, CRLF included; over it: 414.</summary>
    public int MaxRequestLineSize { get; init; } = 8 * 1024;

    /// <summary>Longest head in bytes, start line and final CRLF included; over it: 431.</summary>
    public int MaxHeadSize { get; init; } = 32 * 1024;

    /// <summary>Most header fields in one head; over it: 431.</summary>
    public int MaxHeaderCount { get; init; } = 100;

    /// <summary>Longest trailer section of a chunked body in bytes.</summary>
    public int MaxTrailerSize { get; init; } = 8 * 1024;

    /// <summary>Longest chunk extension list on one chunk-size line, in bytes.</summary>
    public int MaxChunkExtensionSize { get; init; } = 1024;

    public static HttpParserLimits Default { get; } = new();
}
