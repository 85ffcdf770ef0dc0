using System.Collections.Concurrent;
using System.Net;
using Engine.Core.Configuration;
using Engine.Core.Connections;
using Engine.Core.Timing;
using Engine.Core.Transport;
using Engine.Http.Logging;
using Engine.Http.Proxy;
using Engine.TestSupport.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Engine.Http.Tests.Proxy;

/// <summary>
/// The HTTP proxy of one entrypoint without a listener: a snapshot built from a config written in
/// code, its runtime, a connection tracker on a heartbeat, the HTTP connection handler at the end
/// of a connection pipeline, and <see cref="Connect"/> to open in-memory connections to it. The
/// upstream side is unchanged (real sockets to origins on loopback). Disposing drains as a
/// gateway stop does, then closes the upstream pools.
/// </summary>
internal sealed class InMemoryProxy : IAsyncDisposable
{
    private readonly bool _ownsHeartbeat;
    private readonly TimeSpan _drainTimeout;
    private readonly ConcurrentQueue<InMemoryClient> _clients = new();

    private InMemoryProxy(GatewayConfig config, Heartbeat? heartbeat, Action<ConnectionPipelineBuilder>? steps, RequestLogLimiter? requestLogLimiter, LogLevel logLevel)
    {
        Config = config;
        _ownsHeartbeat = heartbeat is null;
        Heartbeat = heartbeat ?? new Heartbeat(TimeSpan.FromMilliseconds(100));
        _drainTimeout = config.DrainTimeout;
        Metrics = new ProxyMetrics();
        Snapshot = ProxySnapshot.Build(config, new SocketConnectionFactory(SocketTransportOptions.Default), Heartbeat, Metrics);
        Runtime = new ProxyRuntime(Snapshot, Metrics) { RequestLogLimiter = requestLogLimiter ?? new RequestLogLimiter() };
        Tracker = new ConnectionTracker(Heartbeat);
        Heartbeat.Register(Tracker);
        Log = new CapturingLogger { MinimumLevel = logLevel };
        Handler = new HttpConnectionHandler(config.Entrypoints[0], Runtime, Tracker, Log);
        var builder = new ConnectionPipelineBuilder();
        steps?.Invoke(builder);
        Pipeline = builder.Build(Handler.OnConnectedAsync);
    }

    public GatewayConfig Config { get; }

    public Heartbeat Heartbeat { get; }

    public ProxyMetrics Metrics { get; }

    public ProxySnapshot Snapshot { get; }

    public ProxyRuntime Runtime { get; }

    public ConnectionTracker Tracker { get; }

    public HttpConnectionHandler Handler { get; }

    /// <summary>The connection pipeline each connection runs: the configured steps, then <see cref="Handler"/>.</summary>
    public ConnectionDelegate Pipeline { get; }

    /// <summary>What the handler logged at the level asked for (warning and above by default).</summary>
    public CapturingLogger Log { get; }

    /// <summary>
    /// A proxy for <paramref name="origins"/> with the same defaults as the socket harness: one
    /// entrypoint "web", one service "origin", a catch-all router, a 5 s drain.
    /// </summary>
    /// <param name="steps">Connection steps to run before the HTTP handler.</param>
    /// <param name="heartbeat">A heartbeat to use (a test may tick it by hand); by default one of 100 ms owned by the proxy.</param>
    /// <param name="configure">Anything else about the config.</param>
    /// <param name="logLevel">The lowest level <see cref="Log"/> keeps.</param>
    /// <param name="requestLogLimiter">Caps the per-request debug lines; by default the gateway's 100 a second.</param>
    public static InMemoryProxy Start(
        IEnumerable<string> origins,
        Func<EntrypointConfig, EntrypointConfig>? entrypoint = null,
        Func<UpstreamPoolConfig, UpstreamPoolConfig>? pool = null,
        IReadOnlyList<RouterConfig>? routers = null,
        IReadOnlyList<ServiceConfig>? services = null,
        TimeSpan? drainTimeout = null,
        Action<ConnectionPipelineBuilder>? steps = null,
        Heartbeat? heartbeat = null,
        Func<GatewayConfig, GatewayConfig>? configure = null,
        LogLevel logLevel = LogLevel.Warning,
        RequestLogLimiter? requestLogLimiter = null)
    {
        var config = new GatewayConfig
        {
            Entrypoints = [(entrypoint ?? (e => e))(new EntrypointConfig("web", "127.0.0.1:0"))],
            Services = services ?? [new ServiceConfig("origin", [.. origins.Select(o => new DestinationConfig(o))]) { Pool = (pool ?? (p => p))(UpstreamPoolConfig.Default) }],
            Routers = routers ?? [RouterConfig.CatchAll("all", "origin")],
            DrainTimeout = drainTimeout ?? TimeSpan.FromSeconds(5),
        };
        return new InMemoryProxy((configure ?? (c => c))(config), heartbeat, steps, requestLogLimiter, logLevel);
    }

    /// <summary>Opens an in-memory connection from 127.0.0.1 (or <paramref name="remoteEndPoint"/>) to the entrypoint.</summary>
    public InMemoryClient Connect(EndPoint? remoteEndPoint = null, TimeSpan? timeout = null)
    {
        InMemoryClient client = InMemoryClient.Start(Pipeline, localEndPoint: null, remoteEndPoint, timeout);
        _clients.Enqueue(client);
        return client;
    }

    /// <summary>Drains the connections as a gateway stop does, then closes the upstream pools.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            // On a pool thread, as a gateway stop runs: what the drain wakes inline must not see the test's context.
            await Task.Run(() => Tracker.DrainAsync(_drainTimeout));
            // The drain waits for the handlers' tracking; the connections' last step (their
            // disposal) follows at once. A handler that never ends fails the test here.
            Task handled = Task.WhenAll(_clients.Select(c => c.Handled));
            if (await Task.WhenAny(handled, Task.Delay(InMemoryClient.DefaultTimeout)) != handled)
            {
                throw new TimeoutException($"{_clients.Count(c => !c.Handled.IsCompleted)} in-memory connections were still running after the drain.");
            }
        }
        finally
        {
            Heartbeat.Unregister(Tracker);
            Snapshot.Dispose();
            if (_ownsHeartbeat)
            {
                Heartbeat.Dispose();
            }
        }
    }
}

/// <summary>Keeps what a handler logs at <see cref="MinimumLevel"/> and above, for tests that look.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly ConcurrentQueue<string> _entries = new();

    public LogLevel MinimumLevel { get; init; } = LogLevel.Warning;

    /// <summary>Each entry as "Level id: message".</summary>
    public IReadOnlyList<string> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= MinimumLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            _entries.Enqueue($"{logLevel} {eventId.Id}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
        }
    }
}
