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

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Loaded configuration from {Path}: {Entrypoints} entrypoints, {Routers} routers, {Services} services")]
    public static partial void ConfigLoaded(ILogger logger, string path, int entrypoints, int routers, int services);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Reloading configuration from {Path} ({Reason})")]
    public static partial void ConfigReloading(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "Applied configuration from {Path}: {Entrypoints} entrypoints, {Routers} routers, {Services} services")]
    public static partial void ConfigApplied(ILogger logger, string path, int entrypoints, int routers, int services);

    [LoggerMessage(EventId = 113, Level = LogLevel.Error, Message = "Configuration in {Path} is invalid ({Count} problems); keeping the running configuration")]
    public static partial void ConfigRejected(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 114, Level = LogLevel.Error, Message = "{Problem}")]
    public static partial void ConfigProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = 115, Level = LogLevel.Error, Message = "Could not apply the configuration from {Path}; keeping the running configuration")]
    public static partial void ConfigApplyFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 116, Level = LogLevel.Warning, Message = "Cannot watch {Directory} for configuration changes: {Reason}")]
    public static partial void ConfigWatchFailed(ILogger logger, string directory, string reason);

    /// <summary>One warning of a config that loaded (it is served regardless), once per load or reload.</summary>
    [LoggerMessage(EventId = 117, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void ConfigWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "Config reloaded: snapshot {Version}, {Routers} routers, {Services} services, in {Milliseconds:F1} ms.")]
    public static partial void ReloadApplied(ILogger logger, long version, int routers, int services, double milliseconds);

    [LoggerMessage(EventId = 121, Level = LogLevel.Error, Message = "Config reload refused ({Count} problems); the running config stays:\n{Errors}")]
    public static partial void ReloadRefused(ILogger logger, int count, string errors);

    // 110-119: the admin API (Admin/).
    [LoggerMessage(EventId = 130, Level = LogLevel.Information, Message = "Admin API on http://{EndPoint}/api/gateway/ ({Authentication})")]
    public static partial void AdminListening(ILogger logger, string endPoint, string authentication);

    [LoggerMessage(EventId = 131, Level = LogLevel.Information, Message = "Config applied through the admin API: snapshot {SnapshotVersion}")]
    public static partial void AdminConfigApplied(ILogger logger, long snapshotVersion);

    [LoggerMessage(EventId = 132, Level = LogLevel.Warning, Message = "Config from the admin API refused: {Errors}")]
    public static partial void AdminConfigRefused(ILogger logger, string errors);

    [LoggerMessage(EventId = 133, Level = LogLevel.Warning, Message = "Admin request without a valid token from {Remote}: {Method} {Path}")]
    public static partial void AdminUnauthorized(ILogger logger, string remote, string method, string path);

    [LoggerMessage(EventId = 134, Level = LogLevel.Warning, Message = "Admin connection from {Remote} refused: {Limit} connections already open")]
    public static partial void AdminConnectionRefused(ILogger logger, string remote, int limit);

    [LoggerMessage(EventId = 135, Level = LogLevel.Error, Message = "Admin request {Method} {Path} failed")]
    public static partial void AdminRequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 136, Level = LogLevel.Debug, Message = "Admin connection from {Remote} closed: {Reason}")]
    public static partial void AdminConnectionClosed(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 122, Level = LogLevel.Error, Message = "The reload is applied, but {Reason}")]
    public static partial void AdminListenFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 123, Level = LogLevel.Information, Message = "Admin API on http://{EndPoint}/ (health: /api/gateway/health, Prometheus: /metrics)")]
    public static partial void AdminListening(ILogger logger, string endPoint);
}
