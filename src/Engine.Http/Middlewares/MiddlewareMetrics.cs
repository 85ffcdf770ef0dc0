using Engine.Core.Metrics;

namespace Engine.Http.Middlewares;

/// <summary>
/// Counters of one middleware (labels: middleware, type): requests that passed through it and
/// requests it answered itself. Striped, like the request counters: a middleware on a busy
/// router is touched by every request on every core.
/// </summary>
public sealed class MiddlewareMetrics
{
    private const int RequestsIndex = 0;
    private const int AnsweredIndex = 1;
    private readonly StripedCounterSet _counters = new(2);

    public MiddlewareMetrics(string middleware, string type)
    {
        Middleware = middleware;
        Type = type;
    }

    /// <summary>For middlewares compiled outside a gateway (tests, validation): counts, but nobody reads them.</summary>
    internal static MiddlewareMetrics Unrecorded { get; } = new("", "");

    public string Middleware { get; }

    public string Type { get; }

    public long Requests => _counters.Read(RequestsIndex);

    public long Answered => _counters.Read(AnsweredIndex);

    internal void OnRequest() => _counters.Increment(RequestsIndex);

    internal void OnAnswered() => _counters.Increment(AnsweredIndex);
}
