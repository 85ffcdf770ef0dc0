using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Engine.Core.Transport;

/// <summary>
/// A bound TCP listener. <see cref="AcceptAsync"/> hands out started <see cref="SocketConnection"/>s;
/// accept failures that concern one connection (the peer reset during the handshake) are
/// skipped, and only unbinding ends the loop with null.
/// </summary>
/// <remarks>
/// Out of file descriptors (EMFILE) or socket memory, accept fails at once while the listening
/// socket stays readable: retrying at once spins a core and starves the connections already
/// open. The listener pauses instead, 10 ms doubling to 500 ms (nginx's <c>ngx_event_accept</c>
/// also disables accepting for 500 ms on EMFILE/ENFILE), and the first accept that succeeds
/// resets the pause. Clients wait in the backlog meanwhile and are accepted when a descriptor frees.
/// </remarks>
public sealed class SocketConnectionListener : IConnectionListener
{
    private readonly Socket _listenSocket;
    private readonly SocketTransportOptions _options;
    private readonly SocketAcceptor _acceptor;
    private readonly IAcceptObserver? _observer;
    private readonly CancellationTokenSource _unbinding = new();
    private int _unbound;

    internal static readonly TimeSpan FirstAcceptPause = TimeSpan.FromMilliseconds(10);
    internal static readonly TimeSpan LongestAcceptPause = TimeSpan.FromMilliseconds(500);

    private SocketConnectionListener(Socket listenSocket, SocketTransportOptions options, IAcceptObserver? observer)
    {
        _listenSocket = listenSocket;
        _options = options;
        _observer = observer;
        _acceptor = new SocketAcceptor(options.Scheduler);
        EndPoint = listenSocket.LocalEndPoint!;
    }

    public EndPoint EndPoint { get; }

    /// <summary>
    /// Binds and listens. Throws <see cref="AddressInUseException"/> when another socket holds the
    /// address, unless both it and this one asked to share it with <paramref name="reusePort"/>.
    /// </summary>
    /// <param name="reusePort">
    /// Share the address with other listeners that ask for it too (SO_REUSEPORT: the kernel spreads
    /// new connections across them), for a zero-downtime restart of a second engine beside the first.
    /// </param>
    /// <param name="observer">Told about failed accepts and pauses, for logs and metrics.</param>
    public static SocketConnectionListener Bind(EndPoint endPoint, SocketTransportOptions options, bool reusePort = false, IAcceptObserver? observer = null)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint is IPEndPoint { Address: var address } && address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }
            SetAddressSharing(socket, reusePort);
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
        return new SocketConnectionListener(socket, options, observer);
    }

    // <sys/socket.h> on Linux (asm-generic/socket.h); other Unixes number them differently.
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private const int SoReusePort = 15;

    /// <summary>
    /// Lets a restarted engine rebind while its old connections sit in TIME_WAIT, and nothing
    /// more unless <paramref name="reusePort"/> asks for it.
    /// </summary>
    /// <remarks>
    /// Deliberately not <c>SetSocketOption(Socket, ReuseAddress, true)</c>: on Unix the runtime
    /// maps that to SO_REUSEPORT (System.Native <c>SystemNative_SetSockOpt</c>, "We make both
    /// SO_REUSEADDR and SO_EXCLUSIVEADDRUSE control SO_REUSEPORT"), which let a second engine bind
    /// the same port and take half the traffic. SO_REUSEADDR alone never lets two listeners share
    /// an address on Linux. The runtime also sets it in its own bind for TCP; setting it here says
    /// so in this code instead of relying on that.
    /// </remarks>
    private static void SetAddressSharing(Socket socket, bool reusePort)
    {
        if (OperatingSystem.IsLinux())
        {
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            if (reusePort)
            {
                socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            }
        }
        else if (OperatingSystem.IsWindows())
        {
            // Windows' SO_REUSEADDR lets another socket steal a bound port, and it has no port
            // sharing with load spreading: refuse every other binder, reuse_port or not.
            socket.ExclusiveAddressUse = true;
        }
        else if (reusePort)
        {
            // macOS and the BSDs: the runtime sets SO_REUSEADDR in bind for TCP, and maps the
            // managed ReuseAddress option to SO_REUSEPORT, which is what is asked for here.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        }
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        int failedAttempts = 0;
        long pausedSince = 0;
        TimeSpan pause = FirstAcceptPause;
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
                AcceptErrorReason reason = AcceptErrors.Classify(result.Error);
                _observer?.OnAcceptError(reason);
                if (!reason.PausesAccepting())
                {
                    continue;
                }
                if (failedAttempts++ == 0)
                {
                    pausedSince = Environment.TickCount64;
                    _observer?.OnAcceptsPaused(reason, result.Error);
                }
                if (!await PauseAsync(pause).ConfigureAwait(false))
                {
                    return null;
                }
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestAcceptPause.Ticks));
                continue;
            }
            if (accepted == null)
            {
                continue;
            }
            if (failedAttempts > 0)
            {
                _observer?.OnAcceptsResumed(failedAttempts, TimeSpan.FromMilliseconds(Environment.TickCount64 - pausedSince));
            }
            accepted.NoDelay = _options.NoDelay;
            // An accepted socket's local port is the listener's: no getsockname per connection.
            var connection = new SocketConnection(accepted, _options) { LocalPort = ((IPEndPoint)EndPoint).Port };
            connection.Start();
            return connection;
        }
        return null;
    }

    /// <summary>Waits before the next accept; false when the listener was unbound meanwhile.</summary>
    private async ValueTask<bool> PauseAsync(TimeSpan pause)
    {
        try
        {
            await Task.Delay(pause, _unbinding.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops accepting; connections already accepted are untouched.</summary>
    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _unbound, 1) == 0)
        {
            _unbinding.Cancel();
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
