using Engine.Core.Configuration;
using Engine.Host.Configuration;
using Engine.Http.Logging;

namespace Engine.Host;

public sealed partial class Gateway
{
    /// <summary>The access log in use, or null when off: lines written, dropped and failed are its counters.</summary>
    public AccessLogWriter? AccessLog => _runtime?.AccessLog;

    /// <summary>Reopens the access log file (after logrotate moved it); SIGUSR1 in the engine binary.</summary>
    public void ReopenAccessLog() => _runtime?.AccessLog?.Reopen();

    /// <summary>
    /// Makes the access log match <paramref name="config"/>: an unchanged setting keeps its
    /// writer, a changed one opens a new writer first (so a bad path fails the reload, not the
    /// log) and the old one drains in the background. Requests already holding the old writer
    /// finish writing into it.
    /// </summary>
    private void ApplyAccessLog(AccessLogConfig? config)
    {
        AccessLogWriter? current = _runtime!.AccessLog;
        if (Equals(current?.Config, config))
        {
            return;
        }

        AccessLogWriter? next;
        try
        {
            next = config is null ? null : new AccessLogWriter(config);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new GatewayConfigException([new ConfigProblem("access_log.path", $"cannot open the access log '{config!.Path}': {FileProblem.Reason(ex, config.Path)}")]);
        }

        _runtime.AccessLog = next;
        if (current is not null)
        {
            TrackRetiring(current.DisposeAsync().AsTask());
        }
    }
}
