using System.IO.Pipelines;
using System.Net.Sockets;

namespace Engine.Core.Transport;

/// <summary>Receives into caller memory, or waits for readability with a zero-byte read.</summary>
internal sealed class SocketReceiver(PipeScheduler ioScheduler) : SocketAwaitableEventArgs(ioScheduler)
{
    /// <summary>
    /// Completes when data is readable without holding a buffer: an idle connection waits here
    /// and owns no block (STYLE #6).
    /// </summary>
    public ValueTask<SocketOperationResult> WaitForDataAsync(Socket socket)
    {
        SetBuffer(Memory<byte>.Empty);
        return Start(socket);
    }

    public ValueTask<SocketOperationResult> ReceiveAsync(Socket socket, Memory<byte> buffer)
    {
        SetBuffer(buffer);
        return Start(socket);
    }

    private ValueTask<SocketOperationResult> Start(Socket socket)
    {
        try
        {
            return Complete(socket.ReceiveAsync(this));
        }
        catch (ObjectDisposedException)
        {
            return new ValueTask<SocketOperationResult>(new SocketOperationResult(SocketError.OperationAborted));
        }
    }
}
