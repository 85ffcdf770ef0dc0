using System.Net.Sockets;

namespace Engine.Core.Transport;

/// <summary>Why an <c>accept</c> on a listening socket failed, as the metrics and logs name it.</summary>
public enum AcceptErrorReason
{
    /// <summary>
    /// EMFILE or ENFILE: the process (or the whole system) is out of file descriptors. The
    /// runtime maps both to <see cref="SocketError.TooManyOpenSockets"/>.
    /// </summary>
    FileDescriptors,

    /// <summary>ENOBUFS or ENOMEM: the kernel has no memory for another socket (<see cref="SocketError.NoBufferSpaceAvailable"/>).</summary>
    Memory,

    /// <summary>The client went away between its handshake and our accept (ECONNABORTED and the like): one connection, not the listener.</summary>
    ConnectionAborted,

    /// <summary>Anything else; treated like exhaustion (pause and retry) so an unforeseen persistent error cannot spin a core.</summary>
    Other,
}

public static class AcceptErrors
{
    /// <summary>Classifies a failed accept.</summary>
    public static AcceptErrorReason Classify(SocketError error) => error switch
    {
        SocketError.TooManyOpenSockets => AcceptErrorReason.FileDescriptors,
        SocketError.NoBufferSpaceAvailable => AcceptErrorReason.Memory,
        SocketError.ConnectionAborted or SocketError.ConnectionReset or SocketError.TimedOut
            // accept(2) on Linux: network errors already pending on the new socket are returned
            // by accept and are to be treated like EAGAIN, i.e. retried.
            or SocketError.NetworkDown or SocketError.NetworkUnreachable or SocketError.HostUnreachable => AcceptErrorReason.ConnectionAborted,
        _ => AcceptErrorReason.Other,
    };

    /// <summary>Whether the listener must pause before the next accept: the same call would fail again at once.</summary>
    public static bool PausesAccepting(this AcceptErrorReason reason) => reason != AcceptErrorReason.ConnectionAborted;
}
