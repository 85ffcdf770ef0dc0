using Engine.Http.Http1;
using Engine.Http.Logging;
using Microsoft.Extensions.Logging;

namespace Engine.Http.Proxy;

/// <summary>
/// Source-generated log methods of the HTTP data path (no boxing, AOT-safe), with their event
/// ids kept here in one place so they stay stable across releases. Nothing a peer can repeat at
/// request rate writes a line per request: upstream failures are told as state changes and
/// summaries per destination (<see cref="UpstreamFailureState"/>), other warnings and errors are
/// capped per entrypoint (<see cref="LogEventLimiter"/>), debug lines per gateway
/// (<see cref="RequestLogLimiter"/>). One per entrypoint.
/// </summary>
internal sealed partial class ProxyLog(ILogger logger, RequestLogLimiter requestLines, LogEventLimiter events)
{
    private readonly ILogger _logger = logger;

    /// <summary>
    /// Whether per-request lines are wanted at all: the gate the pipeline checks before it
    /// gathers their arguments, so that a request costs a level check and nothing else when
    /// debug is off (the allocation tests hold it to 0 bytes).
    /// </summary>
    public bool IsDebugEnabled => _logger.IsEnabled(LogLevel.Debug);

    public void UnhandledConnectionError(long connectionId, Exception exception)
    {
        if (TakeEventLine(LimitedLogEvent.UnhandledConnectionError, LogLevel.Error))
        {
            UnhandledConnectionErrorCore(_logger, connectionId, exception);
        }
    }

    /// <summary>A request that broke a rule (a client's doing, answered 4xx); a debug line, rate-limited.</summary>
    public void RequestRejected(long connectionId, RequestRejectionReason reason, int offset)
    {
        if (IsDebugEnabled && TakeRequestLine())
        {
            RequestRejectedCore(_logger, connectionId, reason, offset);
        }
    }

    /// <summary>
    /// One failed exchange with <paramref name="pool"/>'s destination: a warning when it was
    /// working, then a summary at most once per interval; the failure itself is counted in
    /// <see cref="ProxyMetrics"/> by the caller.
    /// </summary>
    public void UpstreamFailed(IUpstreamPool pool, UpstreamErrorKind kind)
    {
        UpstreamFailureState failures = pool.Failures;
        switch (failures.OnFailure(kind, out UpstreamFailureSummary summary))
        {
            case FailureLine.Failing:
                UpstreamFailingCore(_logger, pool.Destination.Name, UpstreamFailureState.Label(kind), failures.SummaryInterval.TotalSeconds);
                break;
            case FailureLine.Summary:
                UpstreamFailuresSummaryCore(_logger, pool.Destination.Name, summary.Count, summary.Over.TotalSeconds, summary.ByKind);
                break;
        }
    }

    /// <summary>
    /// <paramref name="pool"/>'s destination answered (a response head arrived). While it works
    /// this is one volatile read; after failures, one request writes the recovery line.
    /// </summary>
    public void UpstreamAnswered(IUpstreamPool pool)
    {
        if (pool.Failures.IsFailing)
        {
            UpstreamMayHaveRecovered(pool);
        }
    }

    private void UpstreamMayHaveRecovered(IUpstreamPool pool)
    {
        if (!pool.Failures.TryRecover(out UpstreamFailureSummary pending, out long failures, out TimeSpan failingFor))
        {
            return;
        }
        if (pending.Count > 0)
        {
            UpstreamFailuresSummaryCore(_logger, pool.Destination.Name, pending.Count, pending.Over.TotalSeconds, pending.ByKind);
        }
        UpstreamRecoveredCore(_logger, pool.Destination.Name, failures, failingFor.TotalSeconds);
    }

    public void InvalidUpstreamResponse(string destination, RequestRejectionReason reason, int offset)
    {
        if (TakeEventLine(LimitedLogEvent.InvalidUpstreamResponse, LogLevel.Warning))
        {
            InvalidUpstreamResponseCore(_logger, destination, reason, offset);
        }
    }

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

    private bool TakeEventLine(LimitedLogEvent logEvent, LogLevel level)
    {
        if (!_logger.IsEnabled(level))
        {
            return false;
        }
        bool taken = events.TryTake(logEvent, out long heldBack);
        if (heldBack > 0)
        {
            LinesHeldBackCore(_logger, level, heldBack, logEvent, events.Interval.TotalSeconds);
        }
        return taken;
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

    // 3 and 4 were one warning per failed exchange ("connect failed", "exchange failed") until
    // they flooded the log; they are now the start of a failing spell and its summaries.
    [LoggerMessage(EventId = 3, EventName = "UpstreamFailing", Level = LogLevel.Warning, Message = "Upstream {Destination} is failing: {Kind}; further failures are summarised every {IntervalSeconds} s, counts are in engine_upstream_errors_total.")]
    private static partial void UpstreamFailingCore(ILogger logger, string destination, string kind, double intervalSeconds);

    [LoggerMessage(EventId = 4, EventName = "UpstreamFailuresSummary", Level = LogLevel.Warning, Message = "Upstream {Destination}: {Count} more failures in the last {Seconds:F0} s ({ByKind}).")]
    private static partial void UpstreamFailuresSummaryCore(ILogger logger, string destination, long count, double seconds, string byKind);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Upstream {Destination}: invalid response ({Reason} at byte {Offset}).")]
    private static partial void InvalidUpstreamResponseCore(ILogger logger, string destination, RequestRejectionReason reason, int offset);

    // 6-9 are the entrypoint listener's, in Engine.Core, which logs under the same category.
    [LoggerMessage(EventId = 10, EventName = "UpstreamRecovered", Level = LogLevel.Information, Message = "Upstream {Destination} recovered after {Failures} failures over {Seconds:F1} s.")]
    private static partial void UpstreamRecoveredCore(ILogger logger, string destination, long failures, double seconds);

    [LoggerMessage(EventId = 11, EventName = "LinesHeldBack", Message = "{Count} more {Event} lines were held back (at most one is written every {IntervalSeconds} s; counts are in /metrics).")]
    private static partial void LinesHeldBackCore(ILogger logger, LogLevel level, long count, LimitedLogEvent @event, double intervalSeconds);

    // 20-29: the per-request debug lines.
    [LoggerMessage(EventId = 20, EventName = "RequestRouted", Level = LogLevel.Debug, Message = "Request on {Entrypoint} routed by {Router} to service {Service}, server {Server}: {Status} in {Milliseconds:F1} ms.")]
    private static partial void RequestRoutedCore(ILogger logger, string entrypoint, string router, string service, string server, int status, double milliseconds);

    [LoggerMessage(EventId = 21, EventName = "NoRouterMatched", Level = LogLevel.Debug, Message = "Request on {Entrypoint} for host {Host} path {Path}: no router matched (404).")]
    private static partial void NoRouterMatchedCore(ILogger logger, string entrypoint, string host, string path);

    [LoggerMessage(EventId = 22, EventName = "RequestLinesSuppressed", Level = LogLevel.Debug, Message = "Suppressed {Count} request lines in the last second (at most {Limit} are logged a second).")]
    private static partial void RequestLinesSuppressedCore(ILogger logger, long count, int limit);
}
