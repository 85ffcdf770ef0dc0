using System.Runtime.InteropServices;
using Engine.Http.Logging;

namespace Engine.Host;

/// <summary>
/// Reopens the access log on SIGUSR1, the signal nginx and HAProxy take for it: logrotate moves
/// the file away, then sends the signal (<c>postrotate kill -USR1 $(cat engine.pid)</c>), and
/// lines from then on go to a new file at the configured path. Dispose to stop listening.
/// </summary>
public sealed class AccessLogSignals : IDisposable
{
    private readonly PosixSignalRegistration? _registration;

    public AccessLogSignals(AccessLogWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (UserSignal1 is not { } signal)
        {
            // Windows has no SIGUSR1: rotation there needs another trigger (not provided).
            return;
        }

        _registration = PosixSignalRegistration.Create(signal, context =>
        {
            // Without Cancel the runtime applies the default action after the handlers, which
            // for SIGUSR1 is to terminate the process.
            context.Cancel = true;
            writer.Reopen();
        });
    }

    /// <summary>False where the platform has no SIGUSR1 (Windows).</summary>
    public bool IsListening => _registration is not null;

    /// <summary>
    /// PosixSignal names only the portable signals; on Unix a positive value is taken as the raw
    /// platform signal number, and SIGUSR1's number differs: 10 on Linux, 30 on macOS and FreeBSD.
    /// </summary>
    internal static PosixSignal? UserSignal1 =>
        OperatingSystem.IsLinux() ? (PosixSignal)10
        : OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? (PosixSignal)30
        : null;

    public void Dispose() => _registration?.Dispose();
}
