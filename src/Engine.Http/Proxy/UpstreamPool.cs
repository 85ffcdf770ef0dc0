using System.Net;
using System.Net.Sockets;
using Engine.Core.Configuration;
using Engine.Core.LoadBalancing;
using Engine.Core.Timing;
using Engine.Core.Transport;

namespace Engine.Http.Proxy;

/// <summary>
/// Keep-alive connections to one destination. Idle connections are a LIFO stack (the most
/// recently used one is the least likely to have been closed by the origin); a small lock guards
/// it, held for a push or a pop only. When <see cref="UpstreamPoolConfig.MaxConnections"/> is
/// reached, a lease waits for a returned connection (handed over directly) or a freed slot, up
/// to the connect timeout.
/// </summary>
internal sealed class UpstreamPool : IUpstreamPool, IHeartbeatHandler
{
    private readonly SocketConnectionFactory _connector;
    private readonly UpstreamPoolConfig _config;
    private readonly Heartbeat _heartbeat;
    private readonly int _maxResponseHeaders;
    private readonly Lock _lock = new();
    private readonly Stack<UpstreamConnection> _idle = new();
    private readonly Queue<TaskCompletionSource<UpstreamConnection?>> _waiters = new();
    private int _open;
    private bool _disposed;

    public UpstreamPool(DestinationState destination, SocketConnectionFactory connector, UpstreamPoolConfig config, Heartbeat heartbeat, int maxResponseHeaders)
    {
        Destination = destination;
        _connector = connector;
        _config = config;
        _heartbeat = heartbeat;
        _maxResponseHeaders = maxResponseHeaders;
        Failures = new UpstreamFailureState(heartbeat);
        HostHeader = System.Text.Encoding.ASCII.GetBytes(destination.EndPoint switch
        {
            IPEndPoint ip => ip.ToString(),
            DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
            var other => other.ToString() ?? "",
        });
    }

    public DestinationState Destination { get; }

    public UpstreamPoolConfig Config => _config;

    public UpstreamFailureState Failures { get; }

    /// <summary>host:port of the destination, for a request that has no Host of its own.</summary>
    public byte[] HostHeader { get; }

    public int OpenConnections => Volatile.Read(ref _open);

    public int IdleConnections
    {
        get
        {
            lock (_lock)
            {
                return _idle.Count;
            }
        }
    }

    public async ValueTask<LeaseResult> LeaseAsync(bool allowIdle)
    {
        if (allowIdle && TryTakeIdle() is { } idle)
        {
            return new LeaseResult(idle, reused: true);
        }
        return await ConnectAsync().ConfigureAwait(false);
    }

    public void Release(UpstreamConnection connection, bool reusable)
    {
        if (reusable)
        {
            Return(connection);
        }
        else
        {
            connection.Close();
        }
    }

    /// <summary>Takes a live idle connection, or null when none is left.</summary>
    public UpstreamConnection? TryTakeIdle()
    {
        while (true)
        {
            UpstreamConnection? connection;
            lock (_lock)
            {
                if (!_idle.TryPop(out connection))
                {
                    return null;
                }
            }
            if (connection.IsReusable())
            {
                return connection;
            }
            connection.Close();
        }
    }

    /// <summary>Opens a new connection, waiting for a slot when the pool is at its limit.</summary>
    public async ValueTask<LeaseResult> ConnectAsync()
    {
        if (_config.MaxConnections > 0 && !TryReserveSlot())
        {
            UpstreamConnection? handedOver;
            var waiter = new TaskCompletionSource<UpstreamConnection?>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _waiters.Enqueue(waiter);
            }
            // Thread A (a returning exchange) may have freed a slot between our failed reservation
            // and the enqueue above; try once more so that release is not missed.
            if (TryReserveSlot())
            {
                if (!waiter.TrySetResult(null))
                {
                    ReleaseSlot();
                }
            }
            Task<UpstreamConnection?> waited = waiter.Task;
            if (await Task.WhenAny(waited, Task.Delay(_config.ConnectTimeout)).ConfigureAwait(false) != waited)
            {
                if (waiter.TrySetCanceled())
                {
                    return new LeaseResult(UpstreamErrorKind.PoolFull);
                }
            }
            handedOver = await waited.ConfigureAwait(false);
            if (handedOver != null)
            {
                return new LeaseResult(handedOver);
            }
        }
        else if (_config.MaxConnections == 0)
        {
            Interlocked.Increment(ref _open);
        }

        ConnectResult result = await _connector.TryConnectAsync(Destination.EndPoint, _config.ConnectTimeout).ConfigureAwait(false);
        if (result.Connection == null)
        {
            ReleaseSlot();
            return new LeaseResult(result.Error switch
            {
                SocketError.TimedOut => UpstreamErrorKind.ConnectTimeout,
                SocketError.ConnectionRefused => UpstreamErrorKind.ConnectRefused,
                SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable => UpstreamErrorKind.SocketLimit,
                _ => UpstreamErrorKind.ConnectFailed,
            });
        }
        return new LeaseResult(new UpstreamConnection(result.Connection, this, _maxResponseHeaders));
    }

    /// <summary>Gives a connection back after a clean exchange; it goes to a waiter or the idle stack.</summary>
    public void Return(UpstreamConnection connection)
    {
        connection.CompletedExchanges++;
        while (true)
        {
            TaskCompletionSource<UpstreamConnection?>? waiter = null;
            lock (_lock)
            {
                if (!_disposed && _waiters.Count == 0 && _idle.Count < _config.MaxIdleConnections)
                {
                    connection.IdleSince = _heartbeat.Now;
                    _idle.Push(connection);
                    return;
                }
                if (_disposed || _waiters.Count == 0)
                {
                    break;
                }
                waiter = _waiters.Dequeue();
            }
            if (waiter.TrySetResult(connection))
            {
                return;
            }
        }
        connection.Close();
    }

    /// <summary>Called once per connection when it closes: frees its slot for a waiter.</summary>
    public void OnConnectionClosed()
    {
        if (_config.MaxConnections == 0)
        {
            Interlocked.Decrement(ref _open);
            return;
        }
        while (true)
        {
            TaskCompletionSource<UpstreamConnection?>? waiter;
            lock (_lock)
            {
                if (!_waiters.TryDequeue(out waiter))
                {
                    Interlocked.Decrement(ref _open);
                    return;
                }
            }
            // The slot passes to the waiter, which connects itself; _open stays the same.
            if (waiter.TrySetResult(null))
            {
                return;
            }
        }
    }

    private bool TryReserveSlot()
    {
        while (true)
        {
            int open = Volatile.Read(ref _open);
            if (open >= _config.MaxConnections)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _open, open + 1, open) == open)
            {
                return true;
            }
        }
    }

    private void ReleaseSlot() => OnConnectionClosed();

    /// <summary>Closes idle connections older than the idle timeout.</summary>
    public void OnHeartbeat(long now)
    {
        // "infinite" (-1 ms) must mean never, not an age every connection has already passed.
        long maxAge = _config.IdleTimeout == Timeout.InfiniteTimeSpan || _config.IdleTimeout == TimeSpan.MaxValue
            ? long.MaxValue
            : (long)(_config.IdleTimeout.TotalSeconds * _heartbeat.Frequency);
        List<UpstreamConnection>? expired = null;
        lock (_lock)
        {
            if (_idle.Count == 0)
            {
                return;
            }
            bool anyExpired = false;
            foreach (UpstreamConnection connection in _idle)
            {
                anyExpired |= now - connection.IdleSince >= maxAge || connection.Connection.IsClosed;
            }
            // The stack's bottom holds the oldest; rebuild it without the expired ones.
            if (anyExpired)
            {
                UpstreamConnection[] all = _idle.ToArray();
                _idle.Clear();
                for (int i = all.Length - 1; i >= 0; i--)
                {
                    if (now - all[i].IdleSince >= maxAge || all[i].Connection.IsClosed)
                    {
                        (expired ??= []).Add(all[i]);
                    }
                    else
                    {
                        _idle.Push(all[i]);
                    }
                }
            }
        }
        if (expired != null)
        {
            foreach (UpstreamConnection connection in expired)
            {
                connection.Close();
            }
        }
    }

    /// <summary>Closes every idle connection and stops pooling; leased ones close when returned.</summary>
    public void Dispose()
    {
        UpstreamConnection[] idle;
        lock (_lock)
        {
            _disposed = true;
            idle = _idle.ToArray();
            _idle.Clear();
        }
        foreach (UpstreamConnection connection in idle)
        {
            connection.Close();
        }
    }
}

/// <summary>A leased upstream connection, or the reason there is none.</summary>
internal readonly struct LeaseResult
{
    public LeaseResult(UpstreamConnection connection, bool reused = false)
    {
        Connection = connection;
        Reused = reused;
        Error = default;
    }

    public LeaseResult(UpstreamErrorKind error)
    {
        Connection = null;
        Error = error;
    }

    public UpstreamConnection? Connection { get; }

    /// <summary>True for a connection that served an exchange before: the origin may have closed it meanwhile.</summary>
    public bool Reused { get; }

    public UpstreamErrorKind Error { get; }
}
