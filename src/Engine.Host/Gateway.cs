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
/// reports health, and stops with a graceful drain. The CLI is a thin shell around it, and an
/// embedding program uses it directly.
/// </summary>
public sealed class Gateway : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly SocketTransportOptions _transport;
    private readonly Heartbeat _heartbeat;
    private readonly List<HttpEntrypoint> _entrypoints = [];
    private readonly Stopwatch _uptime = new();
    private ProxyRuntime? _runtime;
    private volatile GatewayState _state = GatewayState.Created;

    public Gateway(GatewayConfig config, ILoggerFactory? loggerFactory = null, SocketTransportOptions? transport = null, Heartbeat? heartbeat = null)
    {
        Config = config;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _transport = transport ?? SocketTransportOptions.Default;
        _heartbeat = heartbeat ?? Heartbeat.Shared;
    }

    public GatewayConfig Config { get; }

    public GatewayState State => _state;

    public IReadOnlyList<HttpEntrypoint> Entrypoints => _entrypoints;

    public ProxyMetrics Metrics => _runtime?.Metrics ?? throw new InvalidOperationException("The gateway has not started.");

    public ProxySnapshot Snapshot => _runtime?.Current ?? throw new InvalidOperationException("The gateway has not started.");

    /// <summary>The bound address of an entrypoint (useful when config asked for port 0).</summary>
    public IPEndPoint EndPointOf(string entrypoint) =>
        _entrypoints.First(e => e.Config.Name == entrypoint).BoundEndPoint ?? throw new InvalidOperationException($"Entrypoint {entrypoint} is not listening.");

    /// <summary>
    /// Validates and compiles the config, then binds every entrypoint. Throws
    /// <see cref="GatewayConfigException"/> with every problem when the config is invalid, and
    /// leaves nothing open when any address cannot be bound.
    /// </summary>
    public Task StartAsync()
    {
        if (_state != GatewayState.Created)
        {
            throw new InvalidOperationException("A gateway starts once.");
        }
        _state = GatewayState.Starting;
        var connector = new SocketConnectionFactory(_transport);
        ProxySnapshot snapshot = ProxySnapshot.Build(Config, connector, _heartbeat);
        _runtime = new ProxyRuntime(snapshot);
        ILogger logger = _loggerFactory.CreateLogger("Engine.Http");
        try
        {
            foreach (EntrypointConfig entrypoint in Config.Entrypoints)
            {
                var http = new HttpEntrypoint(entrypoint, _runtime, _heartbeat, logger, _transport);
                http.Start();
                _entrypoints.Add(http);
            }
        }
        catch
        {
            foreach (HttpEntrypoint started in _entrypoints)
            {
                started.StopAsync(TimeSpan.Zero).GetAwaiter().GetResult();
            }
            _entrypoints.Clear();
            snapshot.Dispose();
            _state = GatewayState.Stopped;
            throw;
        }
        _uptime.Start();
        _state = GatewayState.Running;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops accepting, lets in-flight requests finish (up to <see cref="GatewayConfig.DrainTimeout"/>),
    /// closes idle keep-alive connections at once, then closes upstream pools.
    /// </summary>
    public async Task StopAsync()
    {
        if (_state is GatewayState.Stopped or GatewayState.Draining or GatewayState.Created)
        {
            _state = GatewayState.Stopped;
            return;
        }
        _state = GatewayState.Draining;
        await Task.WhenAll(_entrypoints.Select(e => e.StopAsync(Config.DrainTimeout))).ConfigureAwait(false);
        _runtime?.Current.Dispose();
        _state = GatewayState.Stopped;
    }

    public GatewayHealth GetHealth()
    {
        ProxyMetrics? metrics = _runtime?.Metrics;
        return new GatewayHealth(
            _state,
            _uptime.Elapsed,
            [.. _entrypoints.Select(e => new EntrypointHealth(e.Config.Name, e.BoundEndPoint?.ToString() ?? e.Config.Address, e.OpenConnections))],
            metrics?.Requests ?? 0,
            metrics?.TotalRejections ?? 0,
            metrics == null ? 0 : Enum.GetValues<UpstreamErrorKind>().Sum(kind => metrics.UpstreamErrors(kind)));
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
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
