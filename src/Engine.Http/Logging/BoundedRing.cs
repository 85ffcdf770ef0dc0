using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Engine.Http.Logging;

/// <summary>
/// Dmitry Vyukov's bounded multi-producer multi-consumer queue: a power-of-two array of slots,
/// each with a sequence number that says whose turn the slot is. One compare-and-swap per
/// operation, no lock, and nothing allocated after construction (a <c>ConcurrentQueue</c>
/// allocates a new segment whenever it fills, which is exactly when a log backs up).
/// </summary>
/// <remarks>
/// Slot i starts with sequence i. A producer at position p may fill slot p &amp; mask when its
/// sequence is p, and publishes it by setting p + 1; a consumer at position p may empty it when
/// its sequence is p + 1, and frees it by setting p + capacity, the producer turn one lap later.
/// A slot whose sequence is behind means full (for producers) or empty (for consumers).
/// </remarks>
internal sealed class BoundedRing<T>
{
    private readonly Slot[] _slots;
    private readonly int _mask;
    private PaddedPositions _positions;

    public BoundedRing(int minimumCapacity)
    {
        Debug.Assert(minimumCapacity > 0, "A ring needs at least one slot.");
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(minimumCapacity, 2));
        _slots = new Slot[capacity];
        for (int i = 0; i < _slots.Length; i++)
        {
            _slots[i].Sequence = i;
        }
        _mask = capacity - 1;
    }

    /// <summary>Slots in the ring: the requested capacity rounded up to a power of two.</summary>
    public int Capacity => _slots.Length;

    public bool TryEnqueue(T item)
    {
        Slot[] slots = _slots;
        while (true)
        {
            long position = Volatile.Read(ref _positions.Tail);
            ref Slot slot = ref slots[position & _mask];
            long difference = Volatile.Read(ref slot.Sequence) - position;
            if (difference == 0)
            {
                if (Interlocked.CompareExchange(ref _positions.Tail, position + 1, position) == position)
                {
                    slot.Item = item;
                    Volatile.Write(ref slot.Sequence, position + 1);
                    return true;
                }
            }
            else if (difference < 0)
            {
                return false;
            }
            // Another producer took this position first: read the tail again.
        }
    }

    public bool TryDequeue(out T item)
    {
        Slot[] slots = _slots;
        while (true)
        {
            long position = Volatile.Read(ref _positions.Head);
            ref Slot slot = ref slots[position & _mask];
            long difference = Volatile.Read(ref slot.Sequence) - (position + 1);
            if (difference == 0)
            {
                if (Interlocked.CompareExchange(ref _positions.Head, position + 1, position) == position)
                {
                    item = slot.Item;
                    // Drop the reference so the slot does not keep a buffer alive for a lap.
                    slot.Item = default!;
                    Volatile.Write(ref slot.Sequence, position + slots.Length);
                    return true;
                }
            }
            else if (difference < 0)
            {
                // Empty, or the producer of this slot has claimed it and not yet published.
                item = default!;
                return false;
            }
        }
    }

    /// <summary>A snapshot; only the single consumer's answer "empty" is stable enough to act on.</summary>
    public bool IsEmpty
    {
        get
        {
            long head = Volatile.Read(ref _positions.Head);
            return Volatile.Read(ref _slots[head & _mask].Sequence) - (head + 1) < 0;
        }
    }

    private struct Slot
    {
        public T Item;
        public long Sequence;
    }
}

/// <summary>
/// Head and tail on cache lines of their own, so producers and the consumer do not false-share.
/// Outside the generic ring because the runtime refuses explicit layout on generic types.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 3 * CacheLine)]
internal struct PaddedPositions
{
    private const int CacheLine = 128;

    [FieldOffset(CacheLine)]
    public long Head;

    [FieldOffset(2 * CacheLine)]
    public long Tail;
}
