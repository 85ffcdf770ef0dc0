using System.Collections.Concurrent;
using Engine.Http.Http1;

namespace Engine.Http.Proxy;

/// <summary>
/// Counters of the HTTP data path: requests by status class, parser rejections by reason, and
/// upstream failures by kind. Plain <see cref="Interlocked"/> adds on arrays indexed by enum, so
/// recording costs one atomic add and no lookup. The Prometheus exposition reads them.
/// </summary>
public sealed class ProxyMetrics
{
    private readonly long[] _rejections = new long[Enum.GetValues<RequestRejectionReason>().Length];
    private readonly long[] _statusClasses = new long[6];
    private readonly long[] _upstreamErrors = new long[Enum.GetValues<UpstreamErrorKind>().Length];
    private long _requests;
    private long _connectionsAccepted;
    private long _connectionsOpen;
    private long _retries;
    private long _clientAborts;
    private readonly ConcurrentDictionary<string, RequestMetrics> _entrypoints = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Router, string Service), RequestMetrics> _routers = new();
    private readonly ConcurrentDictionary<string, RequestMetrics> _services = new(StringComparer.Ordinal);

    /// <summary>Counters of one entrypoint (label: entrypoint). Looked up on the config path, then held.</summary>
    public RequestMetrics ForEntrypoint(string entrypoint) =>
        _entrypoints.GetOrAdd(entrypoint, static name => new RequestMetrics([name]));

    /// <summary>Counters of one router (labels: router, service).</summary>
    public RequestMetrics ForRouter(string router, string service) =>
        _routers.GetOrAdd((router, service), static key => new RequestMetrics([key.Router, key.Service]));

    /// <summary>Counters of one service (label: service).</summary>
    public RequestMetrics ForService(string service) =>
        _services.GetOrAdd(service, static name => new RequestMetrics([name]));

    public IEnumerable<RequestMetrics> Entrypoints => _entrypoints.Values;

    public IEnumerable<RequestMetrics> Routers => _routers.Values;

    public IEnumerable<RequestMetrics> Services => _services.Values;

    public long Requests => Volatile.Read(ref _requests);

    public long ConnectionsAccepted => Volatile.Read(ref _connectionsAccepted);

    public long ConnectionsOpen => Volatile.Read(ref _connectionsOpen);

    public long Retries => Volatile.Read(ref _retries);

    /// <summary>Exchanges abandoned because the downstream client went away.</summary>
    public long ClientAborts => Volatile.Read(ref _clientAborts);

    public long Rejections(RequestRejectionReason reason) => Volatile.Read(ref _rejections[(int)reason]);

    public long TotalRejections
    {
        get
        {
            long sum = 0;
            foreach (long value in _rejections)
            {
                sum += value;
            }
            return sum;
        }
    }

    /// <summary>Responses by class: index 1 is 1xx ... 5 is 5xx.</summary>
    public long Responses(int statusClass) => Volatile.Read(ref _statusClasses[statusClass]);

    public long UpstreamErrors(UpstreamErrorKind kind) => Volatile.Read(ref _upstreamErrors[(int)kind]);

    internal void OnConnectionOpened()
    {
        Interlocked.Increment(ref _connectionsAccepted);
        Interlocked.Increment(ref _connectionsOpen);
    }

    internal void OnConnectionClosed() => Interlocked.Decrement(ref _connectionsOpen);

    internal void OnRequest() => Interlocked.Increment(ref _requests);

    internal void OnResponse(int statusCode)
    {
        int statusClass = statusCode / 100;
        if ((uint)statusClass < (uint)_statusClasses.Length)
        {
            Interlocked.Increment(ref _statusClasses[statusClass]);
        }
    }

    internal void OnRejected(RequestRejectionReason reason) => Interlocked.Increment(ref _rejections[(int)reason]);

    internal void OnUpstreamError(UpstreamErrorKind kind) => Interlocked.Increment(ref _upstreamErrors[(int)kind]);

    internal void OnRetry() => Interlocked.Increment(ref _retries);

    internal void OnClientAbort() => Interlocked.Increment(ref _clientAborts);
}

/// <summary>Why an exchange with an upstream failed.</summary>
public enum UpstreamErrorKind
{
    ConnectRefused,
    ConnectTimeout,
    ConnectFailed,
    /// <summary>The upstream closed or reset before a complete response head.</summary>
    ResetBeforeResponse,
    ResponseTimeout,
    InvalidResponse,
    /// <summary>The upstream closed or reset in the middle of a response body.</summary>
    ResetDuringBody,
    /// <summary>No destination of the service was healthy, or the pool was full.</summary>
    NoDestination,
}
