namespace Engine.Http;

/// <summary>What the Connection header (RFC 9110 §7.6.1) and the version say about the connection.</summary>
[Flags]
public enum ConnectionOptions : byte
{
    None = 0,
    /// <summary>"close" was listed, or the peer is HTTP/1.0 without "keep-alive".</summary>
    Close = 1,
    /// <summary>"keep-alive" was listed (meaningful for HTTP/1.0 peers).</summary>
    KeepAlive = 2,
    /// <summary>"upgrade" was listed.</summary>
    Upgrade = 4,
}
