using Engine.Http.Http1;

namespace Engine.Http.Proxy;

/// <summary>Which side of the proxy an error comes from (YARP's ForwarderError, Pingora's ErrorSource).</summary>
internal enum ErrorSide : byte
{
    None,
    /// <summary>The client: a bad request, a body that broke a limit, a reset.</summary>
    Downstream,
    /// <summary>The origin: refused, timed out, reset, or answered with something invalid.</summary>
    Upstream,
    /// <summary>The proxy's own decision: no router, no healthy destination, pool full.</summary>
    Internal,
}

/// <summary>What went wrong, finer than the side.</summary>
internal enum ProxyErrorKind : byte
{
    None,
    NoRoute,
    /// <summary>The request broke a rule of the proxy's (see <see cref="ProxyError.Rejection"/>).</summary>
    RequestRejected,
    /// <summary>The client closed or reset before the exchange finished.</summary>
    ClientGone,
    /// <summary>An upstream failure (see <see cref="ProxyError.Upstream"/>).</summary>
    UpstreamFailed,
}

/// <summary>
/// Why an exchange failed, as a value the pipeline's steps return: the side, the kind, and
/// whether the request may go to an upstream again. <see cref="StatusCode"/> is the one mapping
/// from an error to what the client is told; the pipeline's <c>fail_to_connect</c> and
/// <c>error_while_proxy</c> steps decide the retry from <see cref="RetryAllowed"/>.
/// </summary>
internal readonly struct ProxyError
{
    private ProxyError(ErrorSide side, ProxyErrorKind kind, UpstreamErrorKind upstream, RequestRejectionReason rejection, bool retryAllowed)
    {
        Side = side;
        Kind = kind;
        Upstream = upstream;
        Rejection = rejection;
        RetryAllowed = retryAllowed;
    }

    public ErrorSide Side { get; }

    public ProxyErrorKind Kind { get; }

    /// <summary>The upstream failure, when <see cref="Kind"/> is <see cref="ProxyErrorKind.UpstreamFailed"/> or the pick failed.</summary>
    public UpstreamErrorKind Upstream { get; }

    public RequestRejectionReason Rejection { get; }

    /// <summary>True when nothing of the request can have reached the origin, so it may be sent again.</summary>
    public bool RetryAllowed { get; }

    public bool IsError => Kind != ProxyErrorKind.None;

    public static ProxyError NoRoute { get; } = new(ErrorSide.Internal, ProxyErrorKind.NoRoute, default, default, false);

    public static ProxyError ClientGone { get; } = new(ErrorSide.Downstream, ProxyErrorKind.ClientGone, default, default, false);

    public static ProxyError Rejected(RequestRejectionReason reason) => new(ErrorSide.Downstream, ProxyErrorKind.RequestRejected, default, reason, false);

    /// <summary>No healthy destination or a full pool: the proxy's own refusal, nothing was sent.</summary>
    public static ProxyError Unavailable(UpstreamErrorKind kind) => new(ErrorSide.Internal, ProxyErrorKind.UpstreamFailed, kind, default, false);

    public static ProxyError FromUpstream(UpstreamErrorKind kind, bool retryAllowed) => new(ErrorSide.Upstream, ProxyErrorKind.UpstreamFailed, kind, default, retryAllowed);

    /// <summary>The status the client gets when no response has started.</summary>
    public int StatusCode => Kind switch
    {
        ProxyErrorKind.NoRoute => 404,
        ProxyErrorKind.RequestRejected => Rejection.StatusCode(),
        ProxyErrorKind.UpstreamFailed => Upstream switch
        {
            UpstreamErrorKind.NoDestination or UpstreamErrorKind.PoolFull or UpstreamErrorKind.SocketLimit => 503,
            UpstreamErrorKind.ConnectTimeout or UpstreamErrorKind.ResponseTimeout => 504,
            _ => 502,
        },
        _ => 502,
    };

    public override string ToString() => Kind switch
    {
        ProxyErrorKind.UpstreamFailed => $"{Side}: {Upstream}",
        ProxyErrorKind.RequestRejected => $"{Side}: {Rejection}",
        _ => $"{Side}: {Kind}",
    };
}
