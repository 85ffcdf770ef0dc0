using Microsoft.Extensions.Logging;

namespace Engine.Host;

/// <summary>Source-generated log messages of the host, with stable event ids (100+).</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Proxying http://{EndPoint}/ to {Destinations}")]
    public static partial void Proxying(ILogger logger, string endPoint, string destinations);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Sample origin on http://{Origin}/; try: curl http://{Proxy}/")]
    public static partial void SampleOriginStarted(ILogger logger, string origin, string proxy);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Stopping: draining in-flight requests (up to {TimeoutSeconds} s)")]
    public static partial void Stopping(ILogger logger, double timeoutSeconds);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Stopped after {Requests} requests")]
    public static partial void Stopped(ILogger logger, long requests);

    // 110-119: the admin API (Admin/).
    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Admin API on http://{EndPoint}/api/gateway/ ({Authentication})")]
    public static partial void AdminListening(ILogger logger, string endPoint, string authentication);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Config applied through the admin API: snapshot {SnapshotVersion}")]
    public static partial void AdminConfigApplied(ILogger logger, long snapshotVersion);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Config from the admin API refused: {Errors}")]
    public static partial void AdminConfigRefused(ILogger logger, string errors);

    [LoggerMessage(EventId = 113, Level = LogLevel.Warning, Message = "Admin request without a valid token from {Remote}: {Method} {Path}")]
    public static partial void AdminUnauthorized(ILogger logger, string remote, string method, string path);

    [LoggerMessage(EventId = 114, Level = LogLevel.Warning, Message = "Admin connection from {Remote} refused: {Limit} connections already open")]
    public static partial void AdminConnectionRefused(ILogger logger, string remote, int limit);

    [LoggerMessage(EventId = 115, Level = LogLevel.Error, Message = "Admin request {Method} {Path} failed")]
    public static partial void AdminRequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 116, Level = LogLevel.Debug, Message = "Admin connection from {Remote} closed: {Reason}")]
    public static partial void AdminConnectionClosed(ILogger logger, string remote, string reason);
}
