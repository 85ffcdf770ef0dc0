using System.Net.Sockets;

namespace Engine.Core.Transport;

/// <summary>
/// What a <see cref="SocketConnectionListener"/> reports about failed accepts: each failure for
/// the metrics, and the start and end of a pause for the log, so a run of thousands of failed
/// retries logs two lines.
/// </summary>
public interface IAcceptObserver
{
    /// <summary>One accept failed (every failure, paused or not).</summary>
    void OnAcceptError(AcceptErrorReason reason);

    /// <summary>The first failure of a run that makes the listener pause between attempts.</summary>
    void OnAcceptsPaused(AcceptErrorReason reason, SocketError error) { }

    /// <summary>An accept succeeded after a pause; <paramref name="failedAttempts"/> accepts failed in between.</summary>
    void OnAcceptsResumed(int failedAttempts, TimeSpan pausedFor) { }
}
