using System.Net;

namespace Engine.Core.Routing;

/// <summary>
/// What a route matcher may read from a request, independent of the protocol that carried it
/// (Core knows no protocol: Engine.Http's request head implements this). Every member returns
/// bytes as received, so matching allocates nothing.
/// </summary>
public interface IRouteInput
{
    /// <summary>Host without port, as received (case not normalised).</summary>
    ReadOnlySpan<byte> Host { get; }

    /// <summary>Path of the target, without the query, as received (not percent-decoded).</summary>
    ReadOnlySpan<byte> Path { get; }

    /// <summary>Query without the leading '?'; empty when absent.</summary>
    ReadOnlySpan<byte> Query { get; }

    /// <summary>The method token, e.g. "GET".</summary>
    ReadOnlySpan<byte> Method { get; }

    /// <summary>The peer's address (not X-Forwarded-For); null for non-IP transports.</summary>
    IPAddress? ClientAddress { get; }

    /// <summary>Number of header fields; with <see cref="GetHeaderName"/> and <see cref="GetHeaderValue"/> walks them in order.</summary>
    int HeaderCount { get; }

    ReadOnlySpan<byte> GetHeaderName(int index);

    ReadOnlySpan<byte> GetHeaderValue(int index);
}
