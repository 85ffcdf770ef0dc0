using Engine.Http.Proxy;

namespace Engine.Http.Middlewares;

/// <summary>
/// One configured middleware, compiled: immutable, shared by every request of every router that
/// names it in a snapshot. The proxy pipeline calls its phases in chain order (Pingora's
/// <c>ProxyHttp</c> names); a type overrides only the phases it needs and says which in
/// <see cref="Phases"/>, so the pipeline skips the others without a virtual call.
/// </summary>
internal abstract class Middleware(string name, string type)
{
    public string Name { get; } = name;

    public string Type { get; } = type;

    /// <summary>Requests it saw and answered itself; set when the snapshot compiles the chain.</summary>
    public MiddlewareMetrics Metrics { get; internal set; } = MiddlewareMetrics.Unrecorded;

    public abstract MiddlewarePhases Phases { get; }

    /// <summary>
    /// :: request_filter — before an upstream is chosen. Returns true when the middleware
    /// answered the request itself (it set <see cref="ProxyExchange.AnswerStatus"/>); the chain
    /// and the upstream are then skipped.
    /// </summary>
    public virtual ValueTask<bool> RequestFilterAsync(ProxyExchange exchange) => new(false);

    /// <summary>:: upstream_request_filter — edits the request head bound for the upstream.</summary>
    public virtual void UpstreamRequestFilter(ProxyExchange exchange)
    {
    }

    /// <summary>:: response_filter — edits the response head bound for the client.</summary>
    public virtual void ResponseFilter(ProxyExchange exchange)
    {
    }
}

/// <summary>The phases a middleware takes part in.</summary>
[Flags]
internal enum MiddlewarePhases : byte
{
    None = 0,
    RequestFilter = 1,
    UpstreamRequestFilter = 2,
    ResponseFilter = 4,
}
