using System.Collections.Concurrent;
using Engine.Core.Timing;

namespace Engine.Core.Connections;

/// <summary>
/// The open connections of one entrypoint, whatever handles them: the heartbeat checks their
/// deadlines once a second, and a stop drains them. Handlers add themselves when they start and
/// remove themselves when they end.
/// </summary>
public sealed class ConnectionTracker : IHeartbeatHandler
{
    private readonly ConcurrentDictionary<long, ITrackedConnection> _connections = new();
    private long _nextKey;

    public ConnectionTracker(Heartbeat heartbeat)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        Heartbeat = heartbeat;
    }

    public Heartbeat Heartbeat { get; }

    public int Count => _connections.Count;

    public bool IsEmpty => _connections.IsEmpty;

    /// <summary>Tracks <paramref name="connection"/>; the returned key removes it again.</summary>
    public long Add(ITrackedConnection connection)
    {
        long key = Interlocked.Increment(ref _nextKey);
        _connections[key] = connection;
        return key;
    }

    public void Remove(long key) => _connections.TryRemove(key, out _);

    public void OnHeartbeat(long now)
    {
        foreach (KeyValuePair<long, ITrackedConnection> entry in _connections)
        {
            if (now >= entry.Value.Deadline)
            {
                entry.Value.OnDeadlinePassed();
            }
        }
    }

    /// <summary>
    /// Drains every connection: asks each to finish what it is doing, waits up to
    /// <paramref name="timeout"/>, then aborts whatever is left and waits (bounded) for it to go.
    /// <paramref name="stillDraining"/> is told once, after 2 s, how many are left and doing what.
    /// </summary>
    public async Task DrainAsync(TimeSpan timeout, Action<int, string>? stillDraining = null)
    {
        foreach (ITrackedConnection connection in _connections.Values)
        {
            connection.BeginDrain();
        }
        long started = Environment.TickCount64;
        long deadline = started + (long)timeout.TotalMilliseconds;
        bool reported = false;
        while (!_connections.IsEmpty && Environment.TickCount64 < deadline)
        {
            await Task.Delay(20).ConfigureAwait(false);
            if (!reported && Environment.TickCount64 - started >= 2_000 && !_connections.IsEmpty)
            {
                // An operator waiting on a stop wants to know what it waits for.
                reported = true;
                stillDraining?.Invoke(_connections.Count, DescribePhases());
            }
        }
        foreach (ITrackedConnection connection in _connections.Values)
        {
            connection.Abort();
        }
        // Aborted connections finish within a few event-loop turns; the bound keeps a stop
        // from waiting forever on one that cannot.
        long abortDeadline = Environment.TickCount64 + 5_000;
        while (!_connections.IsEmpty && Environment.TickCount64 < abortDeadline)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary>"Idle: 3, Body: 1": how many connections are in each phase.</summary>
    public string DescribePhases()
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (ITrackedConnection connection in _connections.Values)
        {
            counts[connection.PhaseName] = counts.GetValueOrDefault(connection.PhaseName) + 1;
        }
        return string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}"));
    }
}
