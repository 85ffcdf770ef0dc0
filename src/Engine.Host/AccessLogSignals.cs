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
        : this(writer is null ? throw new ArgumentNullException(nameof(writer)) : writer.Reopen)
    {
    }

    /// <summary>Calls <paramref name="reopen"/> on every SIGUSR1 (a gateway whose writer a reload may replace passes its own reopen).</summary>
    public AccessLogSignals(Action reopen)
    {
        ArgumentNullException.ThrowIfNull(reopen);
        if (UserSignal1 is not { } signal)
        {
            return;
        }

        _registration = PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            reopen();
        });
    }

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
