using Engine.Core.Timing;

namespace Engine.Core.Connections;

/// <summary>
/// The open connections of one entrypoint, whatever handles them: the heartbeat checks their
/// deadlines once a second, and a stop drains them. Handlers add themselves when they start and
/// remove themselves when they end.
/// </summary>
public sealed class ConnectionTracker : IHeartbeatHandler
{
    // Slots with swap-remove: a connection's key is its slot's index, kept current in _keys. A
    // lock guards add and remove (once per connection, never per request); a tick copies the
    // live slots into a reused array under the lock and calls the handlers outside it, so a
    // handler that ends its connection from the callback cannot deadlock, and a tick allocates
    // nothing (an enumerator per tick would show up in the per-request allocation tests).
    private readonly Lock _lock = new();
    private ITrackedConnection?[] _slots = new ITrackedConnection?[64];
    private Slot?[] _owners = new Slot?[64];
    private ITrackedConnection?[] _tick = new ITrackedConnection?[64];
    private int _count;

    public ConnectionTracker(Heartbeat heartbeat)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        Heartbeat = heartbeat;
    }

    public Heartbeat Heartbeat { get; }

    public int Count => Volatile.Read(ref _count);

    public bool IsEmpty => Count == 0;

    /// <summary>Tracks <paramref name="connection"/>; pass the returned key to <see cref="Remove"/> when it ends.</summary>
    public object Add(ITrackedConnection connection)
    {
        var slot = new Slot();
        lock (_lock)
        {
            if (_count == _slots.Length)
            {
                Array.Resize(ref _slots, _count * 2);
                Array.Resize(ref _owners, _count * 2);
            }
            slot.Index = _count;
            _slots[_count] = connection;
            _owners[_count] = slot;
            Volatile.Write(ref _count, _count + 1);
        }
        return slot;
    }

    public void Remove(object key)
    {
        var slot = (Slot)key;
        lock (_lock)
        {
            int index = slot.Index;
            if (index < 0)
            {
                return;
            }
            int last = _count - 1;
            _slots[index] = _slots[last];
            _owners[index] = _owners[last];
            _owners[index]!.Index = index;
            _slots[last] = null;
            _owners[last] = null;
            slot.Index = -1;
            Volatile.Write(ref _count, last);
        }
    }

    public void OnHeartbeat(long now)
    {
        int count = Snapshot();
        for (int i = 0; i < count; i++)
        {
            ITrackedConnection connection = _tick[i]!;
            _tick[i] = null;
            if (now >= connection.Deadline)
            {
                connection.OnDeadlinePassed();
            }
        }
    }

    /// <summary>Copies the live connections into the tick array; only the heartbeat (one tick at a time) and a stop call it.</summary>
    private int Snapshot()
    {
        lock (_lock)
        {
            if (_tick.Length < _count)
            {
                _tick = new ITrackedConnection?[_slots.Length];
            }
            Array.Copy(_slots, _tick, _count);
            return _count;
        }
    }

    private ITrackedConnection[] All()
    {
        lock (_lock)
        {
            return _slots.AsSpan(0, _count).ToArray()!;
        }
    }

    /// <summary>
    /// Drains every connection: asks each to finish what it is doing, waits up to
    /// <paramref name="timeout"/>, then aborts whatever is left and waits (bounded) for it to go.
    /// <paramref name="stillDraining"/> is told once, after 2 s, how many are left and doing what.
    /// </summary>
    public async Task DrainAsync(TimeSpan timeout, Action<int, string>? stillDraining = null)
    {
        foreach (ITrackedConnection connection in All())
        {
            connection.BeginDrain();
        }
        long started = Environment.TickCount64;
        long deadline = started + (long)timeout.TotalMilliseconds;
        bool reported = false;
        while (!IsEmpty && Environment.TickCount64 < deadline)
        {
            await Task.Delay(20).ConfigureAwait(false);
            if (!reported && Environment.TickCount64 - started >= 2_000 && !IsEmpty)
            {
                // An operator waiting on a stop wants to know what it waits for.
                reported = true;
                stillDraining?.Invoke(Count, DescribePhases());
            }
        }
        foreach (ITrackedConnection connection in All())
        {
            connection.Abort();
        }
        // Aborted connections finish within a few event-loop turns; the bound keeps a stop
        // from waiting forever on one that cannot.
        long abortDeadline = Environment.TickCount64 + 5_000;
        while (!IsEmpty && Environment.TickCount64 < abortDeadline)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary>"Idle: 3, Body: 1": how many connections are in each phase.</summary>
    public string DescribePhases()
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (ITrackedConnection connection in All())
        {
            counts[connection.PhaseName] = counts.GetValueOrDefault(connection.PhaseName) + 1;
        }
        return string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}"));
    }

    /// <summary>Where a tracked connection sits, so removal is O(1).</summary>
    private sealed class Slot
    {
        public int Index { get; set; }
    }
}
