using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Engine.Host;

/// <summary>
/// A listener of the gateway (an entrypoint or the admin API) could not bind its address. The
/// message is one sentence an operator can act on, the same at start (where the process exits
/// non-zero) and at a reload (where the running config stays).
/// </summary>
public sealed class ListenException : Exception
{
    public ListenException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Whether <paramref name="exception"/> is a bind failure that <see cref="For"/> can describe.</summary>
    public static bool IsBindFailure(Exception exception) => exception is AddressInUseException or SocketException;

    /// <param name="listener">Who listens, as the sentence names it: "entrypoint 'web'", "the admin API".</param>
    /// <param name="address">The address as the config writes it.</param>
    /// <param name="reusePort">Whether this listener asked to share the address.</param>
    /// <param name="settingTable">Where <c>reuse_port</c> goes, for the hint: "" for the listener's own table, or " in [admin]".</param>
    public static ListenException For(string listener, string address, bool reusePort, Exception exception, string settingTable = "")
    {
        string reason = exception switch
        {
            AddressInUseException when reusePort =>
                "the address is already in use by a process that does not share it (reuse_port is set here; the other listener must set it too)",
            AddressInUseException =>
                $"the address is already in use by another process (set reuse_port = true{settingTable} to share it on purpose)",
            SocketException socket => socket.Message.TrimEnd('.'),
            _ => exception.Message.TrimEnd('.'),
        };
        return new ListenException($"{listener} cannot listen on {address}: {reason}.", exception);
    }
}
