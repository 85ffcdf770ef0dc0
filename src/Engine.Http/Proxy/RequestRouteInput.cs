using System.Net;
using Engine.Core.Routing;

namespace Engine.Http.Proxy;

/// <summary>
/// An HTTP/1.1 request head as the router and balancer see it: spans into the parsed head, the
/// peer address the connection already holds. A ref struct passed through constrained generics,
/// so a match or a pick neither boxes nor allocates.
/// </summary>
internal readonly ref struct RequestRouteInput(HttpRequestHead head, IPAddress? clientAddress) : IRouteInput
{
    private readonly HttpRequestHead _head = head;

    public ReadOnlySpan<byte> Host => _head.Authority;

    public ReadOnlySpan<byte> Path => _head.Path;

    public ReadOnlySpan<byte> Query => _head.Query;

    public ReadOnlySpan<byte> Method => _head.MethodBytes;

    public IPAddress? ClientAddress { get; } = clientAddress;

    public int HeaderCount => _head.HeaderCount;

    public ReadOnlySpan<byte> GetHeaderName(int index) => _head.NameOf(in _head.Headers[index]);

    public ReadOnlySpan<byte> GetHeaderValue(int index) => _head.ValueOf(in _head.Headers[index]);
}
