using System.Net;
using Engine.Core.Configuration;
using Engine.Core.Connections;
using Engine.Core.Timing;
using Engine.Core.Transport;
using Engine.Http.Proxy;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Engine.Host;

/// <summary>
/// One configured entrypoint, composed: a listener on its address, the connection pipeline its
/// connections run through, and the protocol handler at the end of it. The pipeline is where
/// connection steps from config go (TCP filters, PROXY protocol, TLS, a protocol sniff); today
/// an HTTP entrypoint's pipeline is its HTTP/1.1 handler alone.
/// </summary>
public sealed class Entrypoint
{
    private readonly EntrypointListener _listener;
    private readonly HttpConnectionHandler _http;

    private Entrypoint(EntrypointListener listener, HttpConnectionHandler http)
    {
        _listener = listener;
        _http = http;
    }

    /// <summary>Builds the pipeline for <paramref name="config"/>; nothing listens until <see cref="Start"/>.</summary>
    public static Entrypoint Create(EntrypointConfig config, ProxyRuntime runtime, Heartbeat heartbeat, ILoggerFactory loggers, SocketTransportOptions transport)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(loggers);
        var tracker = new ConnectionTracker(heartbeat);
        var http = new HttpConnectionHandler(config, runtime, tracker, loggers.CreateLogger("Engine.Http"));
        ConnectionDelegate pipeline = new ConnectionPipelineBuilder().Build(http.OnConnectedAsync);
        EndPoint endPoint = EndpointParser.ParseListenAddress(config.Address);
        var listener = new EntrypointListener(config.Name, endPoint, pipeline, tracker, loggers.CreateLogger("Engine.Http"), transport, config.ReusePort,
            runtime.Metrics.ForAcceptErrors(config.Name));
        return new Entrypoint(listener, http);
    }

    public EntrypointConfig Config => _http.Config;

    /// <summary>The address actually bound (port 0 in config becomes the real port).</summary>
    public IPEndPoint? BoundEndPoint => _listener.BoundEndPoint;

    /// <summary>Downstream connections open now.</summary>
    public int OpenConnections => _listener.Tracker.Count;

    /// <summary>Binds the address and starts accepting. Throws when the address cannot be bound.</summary>
    public void Start() => _listener.Start();

    /// <summary>
    /// Takes a reloaded entrypoint config (same address, so the socket stays): connections
    /// accepted from now on get the new limits and timeouts; open ones keep what they started with.
    /// </summary>
    public void Reconfigure(EntrypointConfig config) => _http.Reconfigure(config);

    /// <summary>Stops accepting, drains for up to <paramref name="drainTimeout"/>, then aborts what is left.</summary>
    public Task StopAsync(TimeSpan drainTimeout) => _listener.StopAsync(drainTimeout);
}
