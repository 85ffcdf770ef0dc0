using System.Net;

namespace Engine.Core.Routing;

/// <summary>
/// What a TCP route matcher may read from a connection before it is routed: the TLS ClientHello's
/// server name and ALPN list (peeked by Engine.Tls) and the peer address. Spans are bytes as
/// received, so matching allocates nothing. A non-TLS connection has an empty server name and no
/// ALPN protocols; only <c>HostSNI(`*`)</c> and <c>ClientIP</c> can match it.
/// </summary>
public interface ITcpRouteInput
{
    /// <summary>The SNI host name from the ClientHello; empty when absent or not TLS.</summary>
    ReadOnlySpan<byte> ServerName { get; }

    /// <summary>The peer's address (not a PROXY-protocol claim); null for non-IP transports.</summary>
    IPAddress? ClientAddress { get; }

    /// <summary>Number of ALPN protocol names the client offered.</summary>
    int AlpnProtocolCount { get; }

    ReadOnlySpan<byte> GetAlpnProtocol(int index);
}
