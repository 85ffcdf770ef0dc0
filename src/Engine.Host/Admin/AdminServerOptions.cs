using Engine.Core.Transport;

namespace Engine.Host.Admin;

/// <summary>
/// Limits of the admin listener. The defaults suit an operator's curl and a control plane that
/// pushes whole configs; they are deliberately tighter than an entrypoint's, since nothing on
/// this port is latency-critical and everything on it is privileged.
/// </summary>
public sealed record AdminServerOptions
{
    /// <summary>Connections served at once; one more is answered 503 and closed.</summary>
    public int MaxConnections { get; init; } = 64;

    /// <summary>Request line plus header fields; a bigger head is answered 431 (414 for the line alone).</summary>
    public int MaxRequestHeadSize { get; init; } = 16 * 1024;

    /// <summary>Largest <c>PUT</c> body; a bigger Content-Length is answered 413 before any of the body is read.</summary>
    public long MaxRequestBodySize { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// From starting to wait for a request head to having all of it. This is also how long an
    /// idle keep-alive connection stays open.
    /// </summary>
    public TimeSpan RequestHeaderTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest pause while a request body arrives.</summary>
    public TimeSpan BodyIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a closing connection still reads (and drops) what the client sends, so that its last response is not lost to a reset.</summary>
    public TimeSpan LingerTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public SocketTransportOptions Transport { get; init; } = SocketTransportOptions.Default;

    public static AdminServerOptions Default { get; } = new();
}
