using Engine.Http.Http1;
using Microsoft.Extensions.Logging;

namespace Engine.Http.Proxy;

/// <summary>
/// Source-generated log methods of the HTTP data path (no boxing, AOT-safe), with their event
/// ids kept here in one place so they stay stable across releases.
/// </summary>
internal sealed partial class ProxyLog(ILogger logger)
{
    private readonly ILogger _logger = logger;

    public void UnhandledConnectionError(long connectionId, Exception exception) => UnhandledConnectionErrorCore(_logger, connectionId, exception);

    public void RequestRejected(long connectionId, RequestRejectionReason reason, int offset) => RequestRejectedCore(_logger, connectionId, reason, offset);

    public void UpstreamConnectFailed(string destination, UpstreamErrorKind kind) => UpstreamConnectFailedCore(_logger, destination, kind);

    public void UpstreamExchangeFailed(string destination, UpstreamErrorKind kind) => UpstreamExchangeFailedCore(_logger, destination, kind);

    public void InvalidUpstreamResponse(string destination, RequestRejectionReason reason, int offset) => InvalidUpstreamResponseCore(_logger, destination, reason, offset);



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


}
