using System.Net.Sockets;

namespace Engine.Core.Transport;

/// <summary>
/// The outcome of one socket operation as a value: expected failures (reset, aborted, refused)
/// are data for the caller to act on, not exceptions (STYLE #6, #9).
/// </summary>
public readonly struct SocketOperationResult
{
    public SocketOperationResult(int bytesTransferred)
    {
        BytesTransferred = bytesTransferred;
        Error = SocketError.Success;
    }

    public SocketOperationResult(SocketError error)
    {
        BytesTransferred = 0;
        Error = error;
    }

    public int BytesTransferred { get; }

    public SocketError Error { get; }

    public bool HasError => Error != SocketError.Success;

    /// <summary>Errors that mean "the peer or we closed the connection", as opposed to a fault.</summary>
    public bool IsConnectionClosed => Error is SocketError.ConnectionReset or SocketError.ConnectionAborted
        or SocketError.OperationAborted or SocketError.Interrupted or SocketError.Shutdown
        or SocketError.InvalidArgument;
}
