using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Engine.Core.Transport;

/// <summary>
/// A bound TCP listener. <see cref="AcceptAsync"/> hands out started <see cref="SocketConnection"/>s;
/// accept failures that concern one connection (the peer reset during the handshake) are
/// skipped, and only unbinding ends the loop with null.
/// </summary>
public sealed class SocketConnectionListener : IConnectionListener
{
    private readonly Socket _listenSocket;
    private readonly SocketTransportOptions _options;
    private readonly SocketAcceptor _acceptor;
    private int _unbound;

    private SocketConnectionListener(Socket listenSocket, SocketTransportOptions options)
    {
        _listenSocket = listenSocket;
        _options = options;
        _acceptor = new SocketAcceptor(options.Scheduler);
        EndPoint = listenSocket.LocalEndPoint!;
    }

    public EndPoint EndPoint { get; }

    /// <summary>Binds and listens. Throws <see cref="AddressInUseException"/> when the port is taken.</summary>
    public static SocketConnectionListener Bind(EndPoint endPoint, SocketTransportOptions options)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint is IPEndPoint { Address: var address } && address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }
            // Lets a restarted engine rebind while old connections sit in TIME_WAIT.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endPoint);
            socket.Listen(options.Backlog);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new AddressInUseException($"{endPoint} is already in use.", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new SocketConnectionListener(socket, options);
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (Volatile.Read(ref _unbound) == 0)
        {
            SocketOperationResult result = await _acceptor.AcceptAsync(_listenSocket);
            Socket? accepted = _acceptor.TakeAcceptedSocket();
            if (result.HasError)
            {
                accepted?.Dispose();
                if (result.Error is SocketError.OperationAborted or SocketError.Interrupted || Volatile.Read(ref _unbound) != 0)
                {
                    return null;
                }
                // ECONNABORTED and friends concern one connection; keep accepting.
                continue;
            }
            if (accepted == null)
            {
                continue;
            }
            accepted.NoDelay = _options.NoDelay;
            // An accepted socket's local port is the listener's: no getsockname per connection.
            var connection = new SocketConnection(accepted, _options) { LocalPort = ((IPEndPoint)EndPoint).Port };
            connection.Start();
            return connection;
        }
        return null;
    }

    /// <summary>Stops accepting; connections already accepted are untouched.</summary>
    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _unbound, 1) == 0)
        {
            _listenSocket.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => UnbindAsync();

    private sealed class SocketAcceptor(System.IO.Pipelines.PipeScheduler scheduler) : SocketAwaitableEventArgs(scheduler)
    {
        public ValueTask<SocketOperationResult> AcceptAsync(Socket listenSocket)
        {
            AcceptSocket = null;
            try
            {
                return Complete(listenSocket.AcceptAsync(this));
            }
            catch (ObjectDisposedException)
            {
                return new ValueTask<SocketOperationResult>(new SocketOperationResult(SocketError.OperationAborted));
            }
        }

        public Socket? TakeAcceptedSocket()
        {
            Socket? socket = AcceptSocket;
            AcceptSocket = null;
            return socket;
        }
    }
}
