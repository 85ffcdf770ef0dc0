namespace Engine.Core.Connections;

/// <summary>
/// What the heartbeat and a graceful drain need from any connection handler (HTTP/1.1, HTTP/2,
/// a TCP relay, a TLS handshake in progress): its deadline, and ways to drain and to end it.
/// </summary>
public interface ITrackedConnection
{
    /// <summary>When the current phase times out, in heartbeat timestamp units; long.MaxValue for never.</summary>
    long Deadline { get; }

    /// <summary>What the connection is doing, for an operator waiting on a drain.</summary>
    string PhaseName { get; }

    /// <summary>Called by the heartbeat once <see cref="Deadline"/> has passed.</summary>
    void OnDeadlinePassed();

    /// <summary>Stops taking new work: an idle connection closes now, a busy one after what it is doing.</summary>
    void BeginDrain();

    /// <summary>Ends the connection now (a drain that ran out of time).</summary>
    void Abort();
}
