using System.Buffers;
using System.IO.Pipelines;
using Engine.Core.Buffers;

namespace Engine.Core.Transport;

/// <summary>Tuning for sockets and their pipes, shared by listeners and outbound connections.</summary>
public sealed record SocketTransportOptions
{
    public MemoryPool<byte> MemoryPool { get; init; } = PinnedBlockMemoryPool.Shared;

    /// <summary>
    /// Wait for readability with a zero-byte read before renting a block, so an idle connection
    /// holds no buffer. Costs one extra receive call per burst of data.
    /// </summary>
    public bool WaitForDataBeforeAllocatingBuffer { get; init; } = true;

    /// <summary>Bytes buffered from the socket before the receive loop stops reading (backpressure).</summary>
    public long MaxReadBufferSize { get; init; } = 64 * 1024;

    /// <summary>Bytes queued for the socket before writers wait for the send loop (backpressure).</summary>
    public long MaxWriteBufferSize { get; init; } = 64 * 1024;

    public bool NoDelay { get; init; } = true;

    public int Backlog { get; init; } = 4096;

    /// <summary>
    /// Where socket completions and pipe continuations run. Inline keeps a request on the thread
    /// whose socket event woke it: no thread-pool hop, the way one nginx worker serves a
    /// connection from start to end.
    /// </summary>
    public PipeScheduler Scheduler { get; init; } = PipeScheduler.Inline;

    public static SocketTransportOptions Default { get; } = new();

    private PipeOptions? _inputPipeOptions;
    private PipeOptions? _outputPipeOptions;

    // Built once per options object and shared by every connection: per-connection copies would
    // cost each idle connection two more objects.
    internal PipeOptions InputPipeOptions => _inputPipeOptions ??= new PipeOptions(MemoryPool, Scheduler, Scheduler,
        MaxReadBufferSize, MaxReadBufferSize / 2, minimumSegmentSize: MemoryPool.MaxBufferSize, useSynchronizationContext: false);

    internal PipeOptions OutputPipeOptions => _outputPipeOptions ??= new PipeOptions(MemoryPool, Scheduler, Scheduler,
        MaxWriteBufferSize, MaxWriteBufferSize / 2, minimumSegmentSize: MemoryPool.MaxBufferSize, useSynchronizationContext: false);
}
