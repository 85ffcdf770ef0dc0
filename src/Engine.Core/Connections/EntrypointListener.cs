using System.Net;
using System.Net.Sockets;
using Engine.Core.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Engine.Core.Connections;

/// <summary>
/// A listening address and the connection pipeline each accepted connection runs through. It
/// knows no protocol: the pipeline's steps and its handler read the connection's transport and
/// features, and handlers track themselves in <see cref="Tracker"/> for timeouts and drain.
/// When the pipeline returns (or throws), the connection is disposed: what was written is sent,
/// then FIN.
/// </summary>
public sealed partial class EntrypointListener : IAcceptObserver
{
    // A listener that flaps between exhausted and not (a descriptor frees, one client is
    // accepted, the next accept fails again) would log a pair of lines per flap: after one
    // warning, further pauses within this window are counted but not logged.
    private static readonly TimeSpan s_pauseWarningInterval = TimeSpan.FromMinutes(1);

    private readonly string _name;
    private readonly EndPoint _endPoint;
    private readonly SocketTransportOptions _transport;
    private readonly ConnectionDelegate _pipeline;
    private readonly ILogger _logger;
    private readonly bool _reusePort;
    private SocketConnectionListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private long _lastPauseWarning = long.MinValue;
    private bool _pauseWarned;

    public EntrypointListener(string name, EndPoint endPoint, ConnectionDelegate pipeline, ConnectionTracker tracker, ILogger logger, SocketTransportOptions? transport = null, bool reusePort = false, AcceptErrorCounters? acceptErrors = null)
    {
        AcceptErrors = acceptErrors ?? new AcceptErrorCounters(name);
        _reusePort = reusePort;
        _name = name;
        _endPoint = endPoint;
        _pipeline = pipeline;
        Tracker = tracker;
        _logger = logger;
        _transport = transport ?? SocketTransportOptions.Default;
    }

    public ConnectionTracker Tracker { get; }

    /// <summary>Failed accepts of this entrypoint, by reason.</summary>
    public AcceptErrorCounters AcceptErrors { get; }

    /// <summary>The address actually bound (port 0 becomes the real port); null before <see cref="Start"/>.</summary>
    public IPEndPoint? BoundEndPoint => _listener?.EndPoint as IPEndPoint;

    /// <summary>Binds and starts accepting. Throws when the address cannot be bound.</summary>
    public void Start()
    {
        _listener = SocketConnectionListener.Bind(_endPoint, _transport, _reusePort, this);
        Tracker.Heartbeat.Register(Tracker);
        ListenerStarted(_name, _listener.EndPoint.ToString() ?? _endPoint.ToString()!);
        _acceptLoop = AcceptLoopAsync(_listener);
    }

    private async Task AcceptLoopAsync(SocketConnectionListener listener)
    {
        while (true)
        {
            if (await listener.AcceptAsync().ConfigureAwait(false) is not { } connection)
            {
                return;
            }
            // The connection runs until its first wait; the accept loop continues after that.
            _ = RunConnectionAsync(connection);
        }
    }

    private async Task RunConnectionAsync(ConnectionContext connection)
    {
        try
        {
            await _pipeline(connection).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Nothing on the data path throws by design; if something does, the connection ends
            // and the process stays up.
            UnhandledConnectionError(_name, connection.ConnectionId, ex);
            connection.Abort();
        }
        finally
        {
            try
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                UnhandledConnectionError(_name, connection.ConnectionId, ex);
                connection.Abort();
            }
        }
    }

    /// <summary>
    /// Stops accepting, drains the tracked connections for up to <paramref name="drainTimeout"/>,
    /// then aborts whatever is left.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        if (_listener != null)
        {
            await _listener.UnbindAsync().ConfigureAwait(false);
            await _acceptLoop.ConfigureAwait(false);
        }
        ListenerStopped(_name, Tracker.Count);
        await Tracker.DrainAsync(drainTimeout, (count, phases) => StillDraining(_name, 2, count, phases)).ConfigureAwait(false);
        Tracker.Heartbeat.Unregister(Tracker);
    }

    void IAcceptObserver.OnAcceptError(AcceptErrorReason reason) => AcceptErrors.Record(reason);

    // The accept loop is the only caller, one call at a time: the fields need no lock.
    void IAcceptObserver.OnAcceptsPaused(AcceptErrorReason reason, SocketError error)
    {
        long now = Environment.TickCount64;
        _pauseWarned = _lastPauseWarning == long.MinValue || now - _lastPauseWarning >= (long)s_pauseWarningInterval.TotalMilliseconds;
        if (!_pauseWarned)
        {
            return;
        }
        _lastPauseWarning = now;
        switch (reason)
        {
            case AcceptErrorReason.FileDescriptors:
                OutOfFileDescriptors(_name, error);
                break;
            case AcceptErrorReason.Memory:
                OutOfSocketMemory(_name, error);
                break;
            default:
                AcceptFailing(_name, error);
                break;
        }
    }

    void IAcceptObserver.OnAcceptsResumed(int failedAttempts, TimeSpan pausedFor)
    {
        if (_pauseWarned)
        {
            _pauseWarned = false;
            AcceptsResumed(_name, failedAttempts, (long)pausedFor.TotalMilliseconds);
        }
    }

    // Event ids 6-8 are the ones these lines had when the HTTP entrypoint logged them.
    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Entrypoint {Entrypoint} listening on {EndPoint}.")]
    private partial void ListenerStarted(string entrypoint, string endPoint);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Entrypoint {Entrypoint} stopped accepting; {OpenConnections} connections draining.")]
    private partial void ListenerStopped(string entrypoint, int openConnections);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Entrypoint {Entrypoint} still draining after {Seconds} s: {OpenConnections} connections ({Phases}).")]
    private partial void StillDraining(string entrypoint, int seconds, int openConnections, string phases);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "Entrypoint {Entrypoint}: connection {ConnectionId} failed unexpectedly in its pipeline.")]
    private partial void UnhandledConnectionError(string entrypoint, string connectionId, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Entrypoint {Entrypoint}: out of file descriptors (EMFILE/ENFILE, {SocketError}); pausing accepts, existing connections keep being served; raise LimitNOFILE / ulimit -n.")]
    private partial void OutOfFileDescriptors(string entrypoint, SocketError socketError);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Entrypoint {Entrypoint}: out of socket memory (ENOBUFS/ENOMEM, {SocketError}); pausing accepts, existing connections keep being served.")]
    private partial void OutOfSocketMemory(string entrypoint, SocketError socketError);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Entrypoint {Entrypoint}: accept failed ({SocketError}); pausing accepts, existing connections keep being served.")]
    private partial void AcceptFailing(string entrypoint, SocketError socketError);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Entrypoint {Entrypoint}: accepting again after {FailedAccepts} failed accepts over {PausedMilliseconds} ms.")]
    private partial void AcceptsResumed(string entrypoint, int failedAccepts, long pausedMilliseconds);
}
