using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Engine.Core.Buffers;

/// <summary>
/// A <see cref="MemoryPool{T}"/> of fixed 4 KiB blocks carved from slabs on the pinned object
/// heap. Pinned memory lets sockets read and write without pinning per operation, and carving
/// blocks from large slabs keeps the pinned heap unfragmented. Blocks are recycled through a
/// lock-free queue; slabs are never given back, so the pool's footprint is its high-water mark
/// (<see cref="AllocatedBytes"/> reports it). Requests larger than a block get an unpooled array,
/// which <see cref="System.IO.Pipelines.Pipe"/> never asks for because it rents at most
/// <see cref="MaxBufferSize"/>.
/// </summary>
public sealed class PinnedBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 4096;

    /// <summary>32 blocks per slab: 128 KiB, large enough to amortise, small enough to stay off the LOH path.</summary>
    public const int BlocksPerSlab = 32;

    private readonly ConcurrentQueue<PinnedBlock> _blocks = new();
    private readonly Lock _growLock = new();
    private long _allocatedBytes;
    private int _rented;
    private bool _disposed;

    /// <summary>One process-wide pool: blocks freed by one connection serve the next.</summary>
    public static new PinnedBlockMemoryPool Shared { get; } = new();

    public override int MaxBufferSize => BlockSize;

    /// <summary>Bytes of pinned slabs allocated so far.</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    /// <summary>Blocks currently rented out (a leak shows as a number that only grows).</summary>
    public int RentedBlocks => Volatile.Read(ref _rented);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (minBufferSize > BlockSize)
        {
            return new UnpooledBlock(minBufferSize);
        }

        if (!_blocks.TryDequeue(out PinnedBlock? block))
        {
            block = AllocateSlab();
        }
        Interlocked.Increment(ref _rented);
        block.MarkRented();
        return block;
    }

    private PinnedBlock AllocateSlab()
    {
        // Thread A and thread B may both find the queue empty; the lock makes only one of them
        // allocate, and the other takes a block the first one queued.
        lock (_growLock)
        {
            if (_blocks.TryDequeue(out PinnedBlock? raced))
            {
                return raced;
            }
            byte[] slab = GC.AllocateUninitializedArray<byte>(BlockSize * BlocksPerSlab, pinned: true);
            Interlocked.Add(ref _allocatedBytes, slab.Length);
            for (int i = 1; i < BlocksPerSlab; i++)
            {
                _blocks.Enqueue(new PinnedBlock(this, new Memory<byte>(slab, i * BlockSize, BlockSize)));
            }
            return new PinnedBlock(this, new Memory<byte>(slab, 0, BlockSize));
        }
    }

    private void Return(PinnedBlock block)
    {
        Interlocked.Decrement(ref _rented);
        _blocks.Enqueue(block);
    }

    protected override void Dispose(bool disposing) => _disposed = true;

    private sealed class PinnedBlock : IMemoryOwner<byte>
    {
        private readonly PinnedBlockMemoryPool _pool;
        private int _rented;

        public PinnedBlock(PinnedBlockMemoryPool pool, Memory<byte> memory)
        {
            _pool = pool;
            Memory = memory;
        }

        public Memory<byte> Memory { get; }

        public void MarkRented()
        {
            Debug.Assert(_rented == 0, "A block was handed out twice.");
            _rented = 1;
        }

        public void Dispose()
        {
            // A double dispose would put the block in the queue twice and hand it to two owners.
            if (Interlocked.Exchange(ref _rented, 0) == 1)
            {
                _pool.Return(this);
            }
        }
    }

    private sealed class UnpooledBlock(int size) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = new byte[size];

        public void Dispose()
        {
        }
    }
}
