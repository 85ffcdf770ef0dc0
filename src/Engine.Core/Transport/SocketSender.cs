using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Engine.Core.Transport;

/// <summary>
/// Sends a pipe's readable sequence: one buffer directly, several through a reused
/// <see cref="BufferList"/> so a multi-segment response goes out in one gathered send.
/// </summary>
internal sealed class SocketSender(PipeScheduler ioScheduler) : SocketAwaitableEventArgs(ioScheduler)
{
    private List<ArraySegment<byte>>? _bufferList;

    public ValueTask<SocketOperationResult> SendAsync(Socket socket, in ReadOnlySequence<byte> buffers)
    {
        if (buffers.IsSingleSegment)
        {
            if (BufferList != null)
            {
                BufferList = null;
            }
            SetBuffer(MemoryMarshal.AsMemory(buffers.First));
        }
        else
        {
            SetBuffer(null, 0, 0);
            _bufferList ??= new List<ArraySegment<byte>>(8);
            foreach (ReadOnlyMemory<byte> segment in buffers)
            {
                if (!MemoryMarshal.TryGetArray(segment, out ArraySegment<byte> array))
                {
                    throw new InvalidOperationException("Pipe memory must be array-backed.");
                }
                _bufferList.Add(array);
            }
            // Assigning BufferList copies the list into the args' own array, so ours is reusable.
            BufferList = _bufferList;
            _bufferList.Clear();
        }

        try
        {
            return Complete(socket.SendAsync(this));
        }
        catch (ObjectDisposedException)
        {
            return new ValueTask<SocketOperationResult>(new SocketOperationResult(SocketError.OperationAborted));
        }
    }
}
