using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Engine.Core.Transport;

/// <summary>
/// The transport's outbound side: upstream connections get the same pinned blocks, loops and
/// backpressure as downstream ones. Refusal and timeout surface as <see cref="ConnectResult"/>
/// values through <see cref="TryConnectAsync"/>; the <see cref="IConnectionFactory"/> form throws.
/// </summary>
public sealed class SocketConnectionFactory(SocketTransportOptions? options = null) : IConnectionFactory
{
    private readonly SocketTransportOptions _options = options ?? SocketTransportOptions.Default;

    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        ConnectResult result = await TryConnectAsync(endpoint, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        return result.Connection ?? throw new SocketException((int)result.Error);
    }

    /// <summary>Connects within <paramref name="timeout"/>; failures come back as a value.</summary>
    public async ValueTask<ConnectResult> TryConnectAsync(EndPoint endpoint, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Socket socket;
        try
        {
            socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = _options.NoDelay };
        }
        catch (SocketException ex)
        {
            // socket(2) itself fails when the process is out of descriptors (EMFILE): that is a
            // failed connect like any other, for the caller to answer, not a crash of the exchange.
            return new ConnectResult(ex.SocketErrorCode);
        }
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            timeoutSource.CancelAfter(timeout);
        }
        try
        {
            await socket.ConnectAsync(endpoint, timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            return new ConnectResult(cancellationToken.IsCancellationRequested ? SocketError.OperationAborted : SocketError.TimedOut);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            return new ConnectResult(ex.SocketErrorCode);
        }
        var connection = new SocketConnection(socket, _options);
        connection.Start();
        return new ConnectResult(connection);
    }
}

/// <summary>A connected socket, or why there is none (refused, timed out, unreachable, no descriptor for a socket).</summary>
public readonly struct ConnectResult
{
    public ConnectResult(SocketConnection connection)
    {
        Connection = connection;
        Error = SocketError.Success;
    }

    public ConnectResult(SocketError error)
    {
        Connection = null;
        Error = error;
    }

    public SocketConnection? Connection { get; }

    public SocketError Error { get; }
}
