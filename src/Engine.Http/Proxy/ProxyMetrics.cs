using System.Collections.Concurrent;
using Engine.Core.Connections;
using Engine.Core.Metrics;
using Engine.Http.Http1;

namespace Engine.Http.Proxy;

/// <summary>
/// Counters of the HTTP data path: requests by status class, parser rejections by reason, and
/// upstream failures by kind, each recorded with one atomic add and no lookup. The Prometheus
/// exposition reads them.
/// </summary>
/// <remarks>
/// What every request and connection touches (requests, status classes, connections) is one
/// <see cref="StripedCounterSet"/>: with shared <see cref="Interlocked"/> cells those lines bounce
/// between all cores on every request (perf/Engine.Perf/Metrics/CounterContentionBenchmark: a
/// 4-counter record on shared cells took 104 ns per operation with 2 threads against 20 ns
/// striped). Rejections, upstream errors, retries and aborts are rare, so they stay plain
/// <see cref="Interlocked"/> arrays indexed by enum: striping 30 reasons per core would buy nothing.
/// </remarks>
public sealed class ProxyMetrics
{
    // Striped cells: requests, status classes 0..5, connections accepted, connections open.
    private const int RequestsIndex = 0;
    private const int StatusClassIndex = 1;
    private const int StatusClasses = 6;
    private const int ConnectionsAcceptedIndex = StatusClassIndex + StatusClasses;
    private const int ConnectionsOpenIndex = ConnectionsAcceptedIndex + 1;

    private readonly StripedCounterSet _hot = new(ConnectionsOpenIndex + 1);
    private readonly long[] _rejections = new long[Enum.GetValues<RequestRejectionReason>().Length];
    private readonly long[] _upstreamErrors = new long[Enum.GetValues<UpstreamErrorKind>().Length];
    private long _retries;
    private long _clientAborts;
    private readonly ConcurrentDictionary<string, RequestMetrics> _entrypoints = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Router, string Service), RequestMetrics> _routers = new();
    private readonly ConcurrentDictionary<string, RequestMetrics> _services = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Middleware, string Type), Middlewares.MiddlewareMetrics> _middlewares = new();
    private readonly ConcurrentDictionary<string, AcceptErrorCounters> _acceptErrors = new(StringComparer.Ordinal);

    /// <summary>Counters of one entrypoint (label: entrypoint). Looked up on the config path, then held.</summary>
    public RequestMetrics ForEntrypoint(string entrypoint) =>
        _entrypoints.GetOrAdd(entrypoint, static name => new RequestMetrics([name]));

    /// <summary>Counters of one router (labels: router, service).</summary>
    public RequestMetrics ForRouter(string router, string service) =>
        _routers.GetOrAdd((router, service), static key => new RequestMetrics([key.Router, key.Service]));

    /// <summary>Counters of one service (label: service).</summary>
    public RequestMetrics ForService(string service) =>
        _services.GetOrAdd(service, static name => new RequestMetrics([name]));

    /// <summary>Counters of one middleware (labels: middleware, type); they outlive snapshots like the others.</summary>
    public Middlewares.MiddlewareMetrics ForMiddleware(string middleware, string type) =>
        _middlewares.GetOrAdd((middleware, type), static key => new Middlewares.MiddlewareMetrics(key.Middleware, key.Type));

    public IEnumerable<Middlewares.MiddlewareMetrics> Middlewares => _middlewares.Values;

    /// <summary>Failed accepts of one entrypoint (labels: entrypoint, reason); they outlive the listener across reloads.</summary>
    public AcceptErrorCounters ForAcceptErrors(string entrypoint) =>
        _acceptErrors.GetOrAdd(entrypoint, static name => new AcceptErrorCounters(name));

    public IEnumerable<AcceptErrorCounters> AcceptErrors => _acceptErrors.Values;

    public IEnumerable<RequestMetrics> Entrypoints => _entrypoints.Values;

    public IEnumerable<RequestMetrics> Routers => _routers.Values;

    public IEnumerable<RequestMetrics> Services => _services.Values;

    public long Requests => _hot.Read(RequestsIndex);

    public long ConnectionsAccepted => _hot.Read(ConnectionsAcceptedIndex);

    public long ConnectionsOpen => _hot.Read(ConnectionsOpenIndex);

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
    public long Responses(int statusClass)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)statusClass, (uint)StatusClasses, nameof(statusClass));
        return _hot.Read(StatusClassIndex + statusClass);
    }

    public long UpstreamErrors(UpstreamErrorKind kind) => Volatile.Read(ref _upstreamErrors[(int)kind]);

    internal void OnConnectionOpened()
    {
        _hot.Increment(ConnectionsAcceptedIndex);
        _hot.Increment(ConnectionsOpenIndex);
    }

    // The close may run on another core than the open: the stripes' sum is still the open count.
    internal void OnConnectionClosed() => _hot.Add(ConnectionsOpenIndex, -1);

    internal void OnRequest() => _hot.Increment(RequestsIndex);

    internal void OnResponse(int statusCode)
    {
        int statusClass = statusCode / 100;
        if ((uint)statusClass < StatusClasses)
        {
            _hot.Increment(StatusClassIndex + statusClass);
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
    /// <summary>No destination of the service was healthy.</summary>
    NoDestination,
    /// <summary>The destination's pool was at its connection limit for the whole connect timeout.</summary>
    PoolFull,
    /// <summary>
    /// The engine could not create a socket to connect with: out of file descriptors (EMFILE,
    /// ENFILE) or socket memory (ENOBUFS, ENOMEM). The engine's own limit, not the upstream's.
    /// </summary>
    SocketLimit,
}
