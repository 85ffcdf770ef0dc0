using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Engine.Core.Configuration;
using Engine.Core.Routing;
using Engine.Core.Timing;
using Engine.Core.Transport;
using Engine.Http.Http1;
using Microsoft.Extensions.Logging;

namespace Engine.Http.Proxy;

/// <summary>
/// A listening HTTP/1.1 entrypoint: accepts downstream connections, runs each one's request
/// loop, enforces their deadlines from the shared heartbeat, and drains them on stop.
/// </summary>
public sealed class HttpEntrypoint : IHeartbeatHandler
{
    private readonly ProxyRuntime _runtime;
    private readonly SocketTransportOptions _transport;
    private readonly ConcurrentDictionary<long, Http1ServerConnection> _connections = new();
    private readonly ConcurrentQueue<ProxyExchange> _exchanges = new();
    private int _pooledExchanges;
    private SocketConnectionListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    // One reference, so a reader never pairs one snapshot with another's table.
    private SnapshotRoutes _routes;

    public HttpEntrypoint(EntrypointConfig config, ProxyRuntime runtime, Heartbeat heartbeat, ILogger logger, SocketTransportOptions? transport = null)
    {
        _runtime = runtime;
        Heartbeat = heartbeat;
        Metrics = runtime.Metrics;
        Log = new ProxyLog(logger);
        _transport = transport ?? SocketTransportOptions.Default;
        SchemeBytes = "http"u8.ToArray();
        Pipeline = new ProxyPipeline(this);
        ProxySnapshot initial = runtime.Current;
        Apply(config);
        _routes = new SnapshotRoutes(initial, initial.RoutesFor(config.Name));
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

    /// <summary>The address actually bound (port 0 in config becomes the real port).</summary>
    public IPEndPoint? BoundEndPoint => _listener?.EndPoint as IPEndPoint;

    public int OpenConnections => _connections.Count;

    internal Heartbeat Heartbeat { get; }

    internal ProxyMetrics Metrics { get; }

    internal Logging.AccessLogWriter? AccessLog => _runtime.AccessLog;

    internal RequestMetrics RequestMetrics { get; private set; }

    internal ProxyLog Log { get; }

    internal ProxyPipeline Pipeline { get; }

    internal HttpParserLimits ParserLimits { get; private set; }

    internal HttpParserLimits ResponseParserLimits { get; private set; }

    internal byte[] SchemeBytes { get; }

    internal byte[] PortBytes { get; private set; } = [];

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

    /// <summary>Binds the address and starts accepting. Throws when the address cannot be bound.</summary>
    public void Start()
    {
        EndPoint endPoint = EndpointParser.ParseListenAddress(Config.Address);
        _listener = SocketConnectionListener.Bind(endPoint, _transport);
        PortBytes = Encoding.ASCII.GetBytes(BoundEndPoint!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Heartbeat.Register(this);
        Log.ListenerStarted(Config.Name, _listener.EndPoint.ToString() ?? Config.Address);
        _acceptLoop = AcceptLoopAsync(_listener);
    }

    private async Task AcceptLoopAsync(SocketConnectionListener listener)
    {
        while (true)
        {
            if (await listener.AcceptAsync() is not SocketConnection connection)
            {
                return;
            }
            var http = new Http1ServerConnection(connection, this);
            _connections[http.Id] = http;
            Metrics.OnConnectionOpened();
            // The connection runs until its first wait; the accept loop continues after that.
            _ = http.RunAsync();
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

    internal void OnConnectionClosed(Http1ServerConnection connection)
    {
        _connections.TryRemove(connection.Id, out _);
        Metrics.OnConnectionClosed();
    }

    private string DescribePhases()
    {
        var counts = new Dictionary<ConnectionPhase, int>();
        foreach (Http1ServerConnection connection in _connections.Values)
        {
            counts[connection.Phase] = counts.GetValueOrDefault(connection.Phase) + 1;
        }
        return string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}"));
    }

    public void OnHeartbeat(long now)
    {
        foreach (KeyValuePair<long, Http1ServerConnection> entry in _connections)
        {
            if (now >= entry.Value.Deadline)
            {
                entry.Value.OnDeadlinePassed();
            }
        }
    }

    /// <summary>
    /// Stops accepting, closes idle connections, lets in-flight requests finish for up to
    /// <paramref name="drainTimeout"/>, then aborts whatever is left.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        if (_listener != null)
        {
            await _listener.UnbindAsync().ConfigureAwait(false);
            await _acceptLoop.ConfigureAwait(false);
        }
        Log.ListenerStopped(Config.Name, _connections.Count);
        foreach (Http1ServerConnection connection in _connections.Values)
        {
            connection.BeginDrain();
        }
        long started = Environment.TickCount64;
        long deadline = started + (long)drainTimeout.TotalMilliseconds;
        bool reported = false;
        while (!_connections.IsEmpty && Environment.TickCount64 < deadline)
        {
            await Task.Delay(20).ConfigureAwait(false);
            if (!reported && Environment.TickCount64 - started >= 2_000 && !_connections.IsEmpty)
            {
                // An operator waiting on a stop wants to know what it waits for.
                reported = true;
                Log.StillDraining(Config.Name, 2, _connections.Count, DescribePhases());
            }
        }
        foreach (Http1ServerConnection connection in _connections.Values)
        {
            connection.Abort();
        }
        // Aborted connections finish within a few event-loop turns; the bound keeps a stop
        // from waiting forever on one that cannot.
        long abortDeadline = Environment.TickCount64 + 5_000;
        while (!_connections.IsEmpty && Environment.TickCount64 < abortDeadline)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }
        Heartbeat.Unregister(this);
    }
}

internal sealed record SnapshotRoutes(ProxySnapshot Snapshot, RouteTable<RouteModel> Table);
