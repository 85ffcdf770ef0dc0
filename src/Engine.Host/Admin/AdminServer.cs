using System.Collections.Concurrent;
using System.Net;
using Engine.Core.Configuration;
using Engine.Core.Transport;
using Microsoft.Extensions.Logging;

namespace Engine.Host.Admin;

/// <summary>
/// The admin API on its own listener (<see cref="AdminConfig.Address"/>, 127.0.0.1:9901 by
/// default), apart from every entrypoint: a saturated or misconfigured proxy port must not take
/// away the means to inspect and repair it. Built on the engine's socket transport and HTTP/1.1
/// parser.
/// </summary>
/// <remarks>
/// <para>Endpoints (JSON unless noted):
/// <c>GET /api/gateway/health</c>;
/// <c>GET /api/gateway/metrics</c> and <c>GET /metrics</c> (Prometheus text 0.0.4);
/// <c>GET /api/gateway/config</c> (the running config, the token shown as "***redacted***");
/// <c>PUT /api/gateway/config</c> (a JSON config, validated and swapped atomically: 200
/// <c>{"applied":true,"snapshot_version":N}</c>, or 400 <c>{"errors":[...]}</c>);
/// <c>GET /api/gateway/routes[?entrypoint=NAME]</c>;
/// <c>GET /healthz</c> (text "ok") and <c>GET /readyz</c> (text; 200 once a config is loaded and
/// the entrypoints listen, else 503). Every GET also answers HEAD.</para>
/// <para>With <see cref="AdminConfig.Token"/> set, every request but /healthz and /readyz needs
/// <c>Authorization: Bearer &lt;token&gt;</c>. The address and token are read once, at
/// <see cref="Start(AdminConfig, IAdminBackend, ILogger)"/>: a config pushed through the API
/// that changes them takes effect when the owner restarts the admin server.</para>
/// </remarks>
public sealed class AdminServer : IAsyncDisposable
{
    private readonly SocketConnectionListener _listener;
    private readonly AdminRequestHandler _handler;
    private readonly AdminServerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<AdminConnection, byte> _connections = new();
    private readonly Task _acceptLoop;
    private int _open;
    private int _stopped;

    private AdminServer(SocketConnectionListener listener, AdminRequestHandler handler, AdminServerOptions options, ILogger logger)
    {
        _listener = listener;
        _handler = handler;
        _options = options;
        _logger = logger;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The bound address (the actual port when the config asked for port 0).</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener.EndPoint;

    /// <summary>Admin connections being served now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    public static AdminServer Start(AdminConfig config, IAdminBackend backend, ILogger logger) =>
        Start(config, backend, logger, AdminServerOptions.Default);

    /// <summary>
    /// Binds <see cref="AdminConfig.Address"/> and starts serving. Throws <see cref="FormatException"/>
    /// for an address that is not IP:PORT, and <see cref="Microsoft.AspNetCore.Connections.AddressInUseException"/>
    /// when the port is taken.
    /// </summary>
    public static AdminServer Start(AdminConfig config, IAdminBackend backend, ILogger logger, AdminServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(options);
        EndPoint endPoint = EndpointParser.ParseListenAddress(config.Address);
        var handler = new AdminRequestHandler(config, backend, logger, options.MaxRequestBodySize);
        SocketConnectionListener listener = SocketConnectionListener.Bind(endPoint, options.Transport, config.ReusePort);
        var server = new AdminServer(listener, handler, options, logger);
        HostLog.AdminListening(logger, server.EndPoint.ToString(), handler.RequiresToken ? "bearer token required" : "no token: keep it on loopback");
        return server;
    }

    private async Task AcceptLoopAsync()
    {
        while (await _listener.AcceptAsync().ConfigureAwait(false) is SocketConnection connection)
        {
            if (Interlocked.Increment(ref _open) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                HostLog.AdminConnectionRefused(_logger, connection.RemoteEndPoint?.ToString() ?? "?", _options.MaxConnections);
                _ = RefuseAsync(connection);
                continue;
            }
            var admin = new AdminConnection(connection, _handler, _options, _logger, _stopping.Token);
            _connections.TryAdd(admin, 0);
            _ = ServeAsync(admin);
        }
    }

    private async Task ServeAsync(AdminConnection admin)
    {
        try
        {
            await admin.RunAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // RunAsync handles what a client can cause; anything else is a bug, logged rather
            // than left as an unobserved task exception.
            HostLog.AdminRequestFailed(_logger, "-", "(connection)", ex);
        }
        finally
        {
            _connections.TryRemove(admin, out _);
            Interlocked.Decrement(ref _open);
        }
    }

    /// <summary>
    /// Over the limit: one 503 and close, without reading the request. The linger is short and
    /// the connection is not counted, so a flood cannot hold the limit's slots.
    /// </summary>
    private async Task RefuseAsync(SocketConnection connection)
    {
        try
        {
            AdminResponse refusal = AdminResponse.Errors(503, $"the admin API serves at most {_options.MaxConnections} connections at once; retry shortly.");
            await refusal.WriteAsync(connection.Output, headOnly: false, close: true, _options.TimeProvider.GetUtcNow()).ConfigureAwait(false);
            await connection.Output.CompleteAsync().ConfigureAwait(false);
            using var linger = new CancellationTokenSource(TimeSpan.FromMilliseconds(500), _options.TimeProvider);
            while (true)
            {
                System.IO.Pipelines.ReadResult result = await connection.Input.ReadAsync(linger.Token).ConfigureAwait(false);
                connection.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client left or the linger ran out; the 503 was sent either way.
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops accepting, lets requests in progress finish (a PUT being applied completes), closes
    /// idle keep-alive connections at once, and returns when every connection is closed.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        await _listener.UnbindAsync().ConfigureAwait(false);
        await _acceptLoop.ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_connections.Keys.Select(c => c.Closed)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
