using System.Diagnostics;
using Engine.Core.Configuration;
using Engine.Http.Logging;

namespace Engine.Host.Tests.Logging;

public sealed class AccessLogSignalsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("engine-accesslog-signal-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [UnixSignalFact]
    public async Task Sigusr1_AfterTheLogWasMoved_ReopensItAtTheConfiguredPath()
    {
        string path = Path.Combine(_directory, "access.log");
        string rotated = path + ".1";
        await using var writer = new AccessLogWriter(new AccessLogConfig { Path = path, Format = "common", BufferSize = 64 });
        using var signals = new AccessLogSignals(writer);
        Assert.True(signals.IsListening);

        writer.Write(Record("/before"u8));
        await WaitUntil(() => writer.WrittenLines == 1);
        File.Move(path, rotated);

        // logrotate's postrotate step, aimed at this test process.
        using (Process kill = Process.Start("kill", ["-USR1", Environment.ProcessId.ToString()]))
        {
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }
        // Opening in append mode creates the file: its appearance is the reopen.
        await WaitUntil(() => File.Exists(path));

        writer.Write(Record("/after"u8));
        await writer.DisposeAsync();

        Assert.Contains("\"GET /before HTTP/1.1\"", File.ReadAllText(rotated), StringComparison.Ordinal);
        string current = File.ReadAllText(path);
        Assert.Contains("\"GET /after HTTP/1.1\"", current, StringComparison.Ordinal);
        Assert.DoesNotContain("/before", current, StringComparison.Ordinal);
    }

    private static AccessLogRecord Record(ReadOnlySpan<byte> target) => new()
    {
        Time = DateTimeOffset.UnixEpoch,
        ClientAddress = "127.0.0.1"u8,
        Method = "GET"u8,
        Target = target,
        Protocol = "HTTP/1.1"u8,
        Status = 200,
        BytesOut = 5,
        Entrypoint = "web",
    };

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "condition not reached in 10 s");
            await Task.Delay(5);
        }
    }
}

/// <summary>A fact that needs SIGUSR1, skipped with that reason where the platform has none.</summary>
public sealed class UnixSignalFactAttribute : FactAttribute
{
    public UnixSignalFactAttribute()
    {
        if (AccessLogSignals.UserSignal1 is null)
        {
            Skip = "SIGUSR1 exists on Linux, macOS and FreeBSD only.";
        }
    }
}
