using System.Collections.Concurrent;
using Engine.Core.Configuration;
using Engine.Core.Connections;
using Engine.Core.Routing;
using Engine.Core.Timing;
using Engine.Http.Http1;
using Engine.Http.Logging;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Engine.Http.Proxy;

/// <summary>
/// The HTTP protocol handler of one entrypoint, the last step of its connection pipeline: it
/// turns each connection it is handed (through <see cref="ConnectionContext.Transport"/> and the
/// connection's features, whatever transport and steps came before) into an HTTP/1.1 connection
/// whose requests go through the entrypoint's <see cref="ProxyPipeline"/>. It owns the
/// entrypoint's HTTP settings, its current route table and its pool of exchanges; listening,
/// timeouts and drain belong to the listener and the <see cref="ConnectionTracker"/>.
/// </summary>
public sealed class HttpConnectionHandler
{
    private readonly ProxyRuntime _runtime;
    private readonly ConcurrentQueue<ProxyExchange> _exchanges = new();
    private int _pooledExchanges;
    private int _open;
    // One reference, so a reader never pairs one snapshot with another's table.
    private SnapshotRoutes _routes;

    public HttpConnectionHandler(EntrypointConfig config, ProxyRuntime runtime, ConnectionTracker tracker, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(tracker);
        _runtime = runtime;
        Tracker = tracker;
        Heartbeat = tracker.Heartbeat;
        Metrics = runtime.Metrics;
        Log = new ProxyLog(logger, runtime.RequestLogLimiter, new LogEventLimiter(Heartbeat));
        Pipeline = new ProxyPipeline(this);
        ProxySnapshot initial = runtime.Current;
        Apply(config);
        _routes = new SnapshotRoutes(initial, initial.RoutesFor(config.Name));
    }

    /// <summary>Runs one connection to its end (the <see cref="Microsoft.AspNetCore.Connections.ConnectionDelegate"/> of the pipeline).</summary>
    public Task OnConnectedAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var http = new Http1ServerConnection(connection, this);
        return http.RunAsync();
    }

    /// <summary>
    /// Takes a reloaded entrypoint config (same address, so the socket stays): connections
    /// accepted from now on get the new limits and timeouts; open ones keep what they started
    /// with. A renamed entrypoint serves its new name's routers from the next request.
    /// </summary>
    public void Reconfigure(EntrypointConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Apply(config);
        ProxySnapshot current = _runtime.Current;
        Volatile.Write(ref _routes, new SnapshotRoutes(current, current.RoutesFor(config.Name)));
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(Config), nameof(ParserLimits), nameof(ResponseParserLimits), nameof(RequestMetrics))]
    private void Apply(EntrypointConfig config)
    {
        ParserLimits = new HttpParserLimits
        {
            MaxRequestLineSize = config.Limits.MaxRequestLineSize,
            MaxHeadSize = config.Limits.MaxRequestHeadSize,
            MaxHeaderCount = config.Limits.MaxRequestHeaderCount,
        };
        ResponseParserLimits = new HttpParserLimits
        {
            MaxRequestLineSize = config.Limits.MaxResponseHeadSize,
            MaxHeadSize = config.Limits.MaxResponseHeadSize,
            MaxHeaderCount = Math.Max(config.Limits.MaxRequestHeaderCount, 256),
        };
        RequestMetrics = _runtime.Metrics.ForEntrypoint(config.Name);
        Config = config;
    }

    public EntrypointConfig Config { get; private set; }

    /// <summary>HTTP connections this handler is running.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    internal ConnectionTracker Tracker { get; }

    internal Heartbeat Heartbeat { get; }

    internal ProxyMetrics Metrics { get; }

    internal Logging.AccessLogWriter? AccessLog => _runtime.AccessLog;

    internal RequestMetrics RequestMetrics { get; private set; }

    internal ProxyLog Log { get; }

    internal ProxyPipeline Pipeline { get; }

    internal HttpParserLimits ParserLimits { get; private set; }

    internal HttpParserLimits ResponseParserLimits { get; private set; }


    /// <summary>The route table of the current snapshot, re-resolved only when the snapshot changes.</summary>
    internal RouteTable<RouteModel> Routes
    {
        get
        {
            ProxySnapshot current = _runtime.Current;
            SnapshotRoutes routes = Volatile.Read(ref _routes);
            if (!ReferenceEquals(current, routes.Snapshot))
            {
                routes = new SnapshotRoutes(current, current.RoutesFor(Config.Name));
                Volatile.Write(ref _routes, routes);
            }
            return routes.Table;
        }
    }

    /// <summary>An exchange for a request that is starting; lock-free, no allocation once warm.</summary>
    internal ProxyExchange RentExchange()
    {
        if (_exchanges.TryDequeue(out ProxyExchange? exchange))
        {
            Interlocked.Decrement(ref _pooledExchanges);
            return exchange;
        }
        return new ProxyExchange(new HttpRequestHead(Config.Limits.MaxRequestHeaderCount));
    }

    internal void ReturnExchange(ProxyExchange exchange)
    {
        exchange.Reset();
        exchange.Request.Reset();
        if (exchange.Request.MaxHeaders != Config.Limits.MaxRequestHeaderCount)
        {
            return; // sized for a limit a reload has since changed
        }
        // Enough for every request in flight at a busy moment; beyond it, exchanges are left to the GC.
        if (Interlocked.Increment(ref _pooledExchanges) <= 4096)
        {
            _exchanges.Enqueue(exchange);
        }
        else
        {
            Interlocked.Decrement(ref _pooledExchanges);
        }
    }

    internal void OnConnectionOpened()
    {
        Interlocked.Increment(ref _open);
        Metrics.OnConnectionOpened();
    }

    internal void OnConnectionClosed()
    {
        Interlocked.Decrement(ref _open);
        Metrics.OnConnectionClosed();
    }
}

internal sealed record SnapshotRoutes(ProxySnapshot Snapshot, RouteTable<RouteModel> Table);
