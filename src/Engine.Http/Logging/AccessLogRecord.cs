namespace Engine.Http.Logging;

/// <summary>
/// One finished request as the access log sees it. A ref struct over the connection's own
/// buffers: the writer copies what it needs while formatting, so handing a record over
/// allocates nothing.
/// </summary>
public readonly ref struct AccessLogRecord
{
    /// <summary>When the request head was complete (wall clock, UTC).</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>The peer address as text, e.g. "127.0.0.1" or "::1".</summary>
    public ReadOnlySpan<byte> ClientAddress { get; init; }

    public ReadOnlySpan<byte> Method { get; init; }

    /// <summary>The Host (or absolute-form authority) as received; empty when absent.</summary>
    public ReadOnlySpan<byte> Host { get; init; }

    /// <summary>The request target as received: path and query.</summary>
    public ReadOnlySpan<byte> Target { get; init; }

    /// <summary>"HTTP/1.1" or "HTTP/1.0".</summary>
    public ReadOnlySpan<byte> Protocol { get; init; }

    /// <summary>The status sent to the client (the proxy's own 4xx/5xx when it answered itself).</summary>
    public int Status { get; init; }

    /// <summary>Bytes received from the client for this request: head and body.</summary>
    public long BytesIn { get; init; }

    /// <summary>Bytes sent to the client for this request: head and body.</summary>
    public long BytesOut { get; init; }

    public TimeSpan Duration { get; init; }

    public string Entrypoint { get; init; }

    /// <summary>The router that matched; null when none did (404) or the request was rejected first.</summary>
    public string? Router { get; init; }

    public string? Service { get; init; }

    /// <summary>The destination the request went to, as configured (e.g. "http://10.0.0.1:9000"); null when none.</summary>
    public string? UpstreamAddress { get; init; }

    /// <summary>The status the upstream answered; 0 when no upstream response arrived.</summary>
    public int UpstreamStatus { get; init; }
}
