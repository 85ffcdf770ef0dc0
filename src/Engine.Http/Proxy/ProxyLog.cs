using Engine.Http.Http1;
using Engine.Http.Logging;
using Microsoft.Extensions.Logging;

namespace Engine.Http.Proxy;

/// <summary>
/// Source-generated log methods of the HTTP data path (no boxing, AOT-safe), with their event
/// ids kept here in one place so they stay stable across releases.
/// </summary>
internal sealed partial class ProxyLog(ILogger logger, RequestLogLimiter requestLines)
{
    private readonly ILogger _logger = logger;

    /// <summary>
    /// Whether per-request lines are wanted at all: the gate the pipeline checks before it
    /// gathers their arguments, so that a request costs a level check and nothing else when
    /// debug is off (the allocation tests hold it to 0 bytes).
    /// </summary>
    public bool IsDebugEnabled => _logger.IsEnabled(LogLevel.Debug);

    public void UnhandledConnectionError(long connectionId, Exception exception) => UnhandledConnectionErrorCore(_logger, connectionId, exception);

    public void RequestRejected(long connectionId, RequestRejectionReason reason, int offset) => RequestRejectedCore(_logger, connectionId, reason, offset);

    public void UpstreamConnectFailed(string destination, UpstreamErrorKind kind) => UpstreamConnectFailedCore(_logger, destination, kind);

    public void UpstreamExchangeFailed(string destination, UpstreamErrorKind kind) => UpstreamExchangeFailedCore(_logger, destination, kind);

    public void InvalidUpstreamResponse(string destination, RequestRejectionReason reason, int offset) => InvalidUpstreamResponseCore(_logger, destination, reason, offset);

    /// <summary>Where a finished request went; rate-limited (<see cref="RequestLogLimiter"/>).</summary>
    public void RequestRouted(string entrypoint, string router, string service, string server, int status, double milliseconds)
    {
        if (TakeRequestLine())
        {
            RequestRoutedCore(_logger, entrypoint, router, service, server, status, milliseconds);
        }
    }

    /// <summary>A request no router of its entrypoint matched (answered 404); rate-limited.</summary>
    public void NoRouterMatched(string entrypoint, string host, string path)
    {
        if (TakeRequestLine())
        {
            NoRouterMatchedCore(_logger, entrypoint, host, path);
        }
    }

    private bool TakeRequestLine()
    {
        bool taken = requestLines.TryTake(out long refused);
        if (refused > 0)
        {
            RequestLinesSuppressedCore(_logger, refused, requestLines.LinesPerSecond);
        }
        return taken;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Connection {ConnectionId} failed unexpectedly.")]
    private static partial void UnhandledConnectionErrorCore(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: request rejected ({Reason} at byte {Offset}).")]
    private static partial void RequestRejectedCore(ILogger logger, long connectionId, RequestRejectionReason reason, int offset);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Upstream {Destination}: connect failed ({Kind}).")]
    private static partial void UpstreamConnectFailedCore(ILogger logger, string destination, UpstreamErrorKind kind);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Upstream {Destination}: exchange failed ({Kind}).")]
    private static partial void UpstreamExchangeFailedCore(ILogger logger, string destination, UpstreamErrorKind kind);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Upstream {Destination}: invalid response ({Reason} at byte {Offset}).")]
    private static partial void InvalidUpstreamResponseCore(ILogger logger, string destination, RequestRejectionReason reason, int offset);

    // 20-29: the per-request debug lines (6-9 are the entrypoint listener's, in Engine.Core, which
    // logs under the same category).
    [LoggerMessage(EventId = 20, EventName = "RequestRouted", Level = LogLevel.Debug, Message = "Request on {Entrypoint} routed by {Router} to service {Service}, server {Server}: {Status} in {Milliseconds:F1} ms.")]
    private static partial void RequestRoutedCore(ILogger logger, string entrypoint, string router, string service, string server, int status, double milliseconds);

    [LoggerMessage(EventId = 21, EventName = "NoRouterMatched", Level = LogLevel.Debug, Message = "Request on {Entrypoint} for host {Host} path {Path}: no router matched (404).")]
    private static partial void NoRouterMatchedCore(ILogger logger, string entrypoint, string host, string path);

    [LoggerMessage(EventId = 22, EventName = "RequestLinesSuppressed", Level = LogLevel.Debug, Message = "Suppressed {Count} request lines in the last second (at most {Limit} are logged a second).")]
    private static partial void RequestLinesSuppressedCore(ILogger logger, long count, int limit);
}
