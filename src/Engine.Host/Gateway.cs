using System.Diagnostics;
using System.Net;
using Engine.Core.Configuration;
using Engine.Core.Timing;
using Engine.Core.Transport;
using Engine.Http.Proxy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Engine.Host;

/// <summary>
/// The engine as one object: compiles a <see cref="GatewayConfig"/>, opens its entrypoints,
/// swaps in new configs without losing a request, reports health, and stops with a graceful
/// drain. The CLI is a thin shell around it, and an embedding program uses it directly.
/// </summary>
public sealed partial class Gateway : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private readonly SocketTransportOptions _transport;
    private readonly SocketConnectionFactory _connector;
    private readonly Heartbeat _heartbeat;
    private readonly ProxyMetrics _metrics = new();
    private readonly List<Entrypoint> _entrypoints = [];
    private readonly List<Task> _retiring = [];
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private readonly Stopwatch _uptime = new();
    private ProxyRuntime? _runtime;
    private volatile GatewayConfig _config;
    private volatile GatewayState _state = GatewayState.Created;
    private long _version;
    private volatile ReloadResult? _lastReload;
    private volatile ReloadResult? _lastSuccessfulReload;

    public Gateway(GatewayConfig config, ILoggerFactory? loggerFactory = null, SocketTransportOptions? transport = null, Heartbeat? heartbeat = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _log = _loggerFactory.CreateLogger("Engine.Gateway");
        _transport = transport ?? SocketTransportOptions.Default;
        _connector = new SocketConnectionFactory(_transport);
        _heartbeat = heartbeat ?? Heartbeat.Shared;
    }

    /// <summary>The running config (the last one applied).</summary>
    public GatewayConfig Config => _config;

    public GatewayState State => _state;

    /// <summary>The entrypoints listening now.</summary>
    public IReadOnlyList<Entrypoint> Entrypoints
    {
        get
        {
            lock (_entrypoints)
            {
                return [.. _entrypoints];
            }
        }
    }

    /// <summary>Counters of the data path; they outlive reloads.</summary>
    public ProxyMetrics Metrics => _metrics;

    public ProxySnapshot Snapshot => _runtime?.Current ?? throw new InvalidOperationException("The gateway has not started.");

    /// <summary>1 for the config started with, +1 per applied reload.</summary>
    public long SnapshotVersion => Interlocked.Read(ref _version);

    /// <summary>The outcome of the last reload attempt, from any source; null before the first.</summary>
    public ReloadResult? LastReload => _lastReload;

    /// <summary>The last config applied: the start's (source "start") until a reload succeeds; null before the start.</summary>
    public ReloadResult? LastSuccessfulReload => _lastSuccessfulReload;

    /// <summary>The bound address of an entrypoint (useful when config asked for port 0).</summary>
    public IPEndPoint EndPointOf(string entrypoint) =>
        Entrypoints.First(e => e.Config.Name == entrypoint).BoundEndPoint ?? throw new InvalidOperationException($"Entrypoint {entrypoint} is not listening.");

    /// <summary>
    /// Validates and compiles the config, then binds every entrypoint. Throws
    /// <see cref="GatewayConfigException"/> with every problem when the config is invalid, and
    /// leaves nothing open when any address cannot be bound (<see cref="ListenException"/>, whose
    /// message names the listener, the address and the reason in one sentence).
    /// </summary>
    public async Task StartAsync()
    {
        if (_state != GatewayState.Created)
        {
            throw new InvalidOperationException("A gateway starts once.");
        }
        _state = GatewayState.Starting;
        ProxySnapshot snapshot;
        try
        {
            snapshot = ProxySnapshot.Build(_config, _connector, _heartbeat, _metrics);
        }
        catch
        {
            _state = GatewayState.Stopped;
            throw;
        }
        _runtime = new ProxyRuntime(snapshot, _metrics);
        try
        {
            ApplyApplicationLog(_config.Log);
            ApplyAccessLog(_config.AccessLog);
            foreach (EntrypointConfig entrypoint in _config.Entrypoints)
            {
                StartEntrypoint(entrypoint);
            }
            StartAdmin(_config.Admin);
        }
        catch
        {
            foreach (Entrypoint started in Entrypoints)
            {
                await started.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
            }
            lock (_entrypoints)
            {
                _entrypoints.Clear();
            }
            await StopAdminAsync().ConfigureAwait(false);
            snapshot.Dispose();
            if (_runtime.AccessLog is { } log)
            {
                await log.DisposeAsync().ConfigureAwait(false);
            }
            _state = GatewayState.Stopped;
            throw;
        }
        PrepareRegexesInBackground(snapshot);
        Interlocked.Exchange(ref _version, 1);
        // The start's load counts as a reload (see ReloadMetrics) but is not an attempt health
        // reports as the last reload: that stays null until something asks for one.
        _lastSuccessfulReload = new ReloadResult(true, 1, DateTimeOffset.UtcNow, [], TimeSpan.Zero) { Source = "start" };
        _reloadMetrics.OnReload(success: true);
        _uptime.Start();
        _state = GatewayState.Running;
    }

    /// <summary>
    /// Builds the snapshot's rule regexes on a pool thread: compiling a table only validates them
    /// (a thousand distinct patterns would otherwise hold a reload for seconds), and a request
    /// that reaches one before this finishes builds it itself.
    /// </summary>
    private static void PrepareRegexesInBackground(ProxySnapshot snapshot) =>
        _ = Task.Run(() =>
        {
            try
            {
                snapshot.PrepareRegexes();
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                // Cannot happen for a pattern that passed validation; the request that reaches
                // it reports the same failure through the connection's error path.
            }
        });

    /// <exception cref="ListenException">The address cannot be bound.</exception>
    private Entrypoint StartEntrypoint(EntrypointConfig config)
    {
        var http = Entrypoint.Create(config, _runtime!, _heartbeat, _loggerFactory, _transport);
        try
        {
            http.Start();
        }
        catch (Exception ex) when (ListenException.IsBindFailure(ex))
        {
            throw ListenException.For($"entrypoint '{config.Name}'", config.Address, config.ReusePort, ex);
        }
        lock (_entrypoints)
        {
            _entrypoints.Add(http);
        }
        return http;
    }

    /// <summary>
    /// Stops accepting, lets in-flight requests finish (up to <see cref="GatewayConfig.DrainTimeout"/>),
    /// closes idle keep-alive connections at once, then closes upstream pools.
    /// </summary>
    public async Task StopAsync()
    {
        await _reloadLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_state is GatewayState.Stopped or GatewayState.Draining or GatewayState.Created)
            {
                _state = GatewayState.Stopped;
                return;
            }
            _state = GatewayState.Draining;
            TimeSpan drain = _config.DrainTimeout;
            await Task.WhenAll(Entrypoints.Select(e => e.StopAsync(drain))).ConfigureAwait(false);
            Task[] retiring;
            lock (_retiring)
            {
                retiring = [.. _retiring];
            }
            await Task.WhenAll(retiring).ConfigureAwait(false);
            // The admin API answers until the drain is over: /readyz says 503 while it lasts.
            await StopAdminAsync().ConfigureAwait(false);
            _runtime?.Current.Dispose();
            if (_runtime?.AccessLog is { } log)
            {
                _runtime.AccessLog = null;
                await log.DisposeAsync().ConfigureAwait(false);
            }
            _state = GatewayState.Stopped;
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    public GatewayHealth GetHealth()
    {
        return new GatewayHealth(
            _state,
            _uptime.Elapsed,
            [.. Entrypoints.Select(e => new EntrypointHealth(e.Config.Name, e.BoundEndPoint?.ToString() ?? e.Config.Address, e.OpenConnections))],
            _metrics.Requests,
            _metrics.TotalRejections,
            Enum.GetValues<UpstreamErrorKind>().Sum(kind => _metrics.UpstreamErrors(kind)));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _reloadLock.Dispose();
    }
}

public enum GatewayState
{
    Created,
    Starting,
    Running,
    Draining,
    Stopped,
}

/// <summary>A point-in-time view of the gateway for health endpoints and logs.</summary>
public sealed record GatewayHealth(
    GatewayState State,
    TimeSpan Uptime,
    IReadOnlyList<EntrypointHealth> Entrypoints,
    long Requests,
    long RejectedRequests,
    long UpstreamErrors);

public sealed record EntrypointHealth(string Name, string Address, int OpenConnections);

/// <summary>The outcome of one reload: applied (with the new snapshot version) or refused with every reason.</summary>
public sealed record ReloadResult(bool Success, long Version, DateTimeOffset At, IReadOnlyList<string> Errors, TimeSpan Duration)
{
    /// <summary>
    /// What asked for the reload: "file" (a watched file changed), "signal" (SIGHUP), "admin_api"
    /// (<c>PUT /api/gateway/config</c>), "api" (an embedding program), or "start" for the config
    /// the gateway started with.
    /// </summary>
    public string Source { get; init; } = "api";
}
