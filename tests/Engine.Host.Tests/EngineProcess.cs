using System.Diagnostics;

namespace Engine.Host.Tests;

/// <summary>
/// The built engine binary (engine.dll, copied beside the tests) running as a child process, as
/// an operator runs it. Disposing kills it by its PID if it still runs.
/// </summary>
internal sealed class EngineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private EngineProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    public static EngineProcess Start(string arguments) => Start("dotnet", $"exec {EngineDll} {arguments}");

    /// <summary>
    /// Starts <paramref name="binary"/> (the native-AOT engine) with at most
    /// <paramref name="openFiles"/> file descriptors (soft and hard limit, through util-linux
    /// prlimit, which execs the engine in place: the PID is the engine's). The AOT binary is what
    /// users run, and it has no JIT: a JIT build out of descriptors dies compiling its next
    /// method ("Out of memory" from the W^X double mapping) or loading its next assembly, which
    /// says nothing about the engine's own handling.
    /// </summary>
    public static EngineProcess StartWithOpenFileLimit(string binary, string arguments, int openFiles) =>
        Start("prlimit", $"--nofile={openFiles}:{openFiles} {binary} {arguments}");

    /// <summary>The config the process tests run: entrypoint "web" on <paramref name="port"/>, one origin behind a catch-all router, the admin API on <paramref name="adminPort"/>.</summary>
    public static string SingleOriginConfig(int port, string originUrl, int adminPort) => $$"""
        [entrypoints.web]
        address = "127.0.0.1:{{port}}"

        [routers.all]
        rule = "PathPrefix(`/`)"
        service = "origin"

        [services.origin.load_balancer]
        [[services.origin.load_balancer.servers]]
        url = "{{originUrl}}"

        [admin]
        address = "127.0.0.1:{{adminPort}}"
        """;

    private static string EngineDll => Path.Combine(AppContext.BaseDirectory, "engine.dll");

    private static EngineProcess Start(string file, string arguments)
    {
        return new EngineProcess(Process.Start(new ProcessStartInfo(file, arguments)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!);
    }

    /// <summary>File descriptors the process holds now (Linux: the entries of /proc/PID/fd).</summary>
    public int OpenDescriptors => Directory.GetFileSystemEntries($"/proc/{_process.Id}/fd").Length;

    /// <summary>
    /// CPU time the process used so far, user plus system (Linux: utime and stime of
    /// /proc/PID/stat, in clock ticks of 1/100 s, USER_HZ on every mainstream architecture).
    /// </summary>
    public TimeSpan CpuTime
    {
        get
        {
            string stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            // The command name (field 2) may hold spaces; the fields after its ')' do not.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state): utime is field 14, stime field 15.
            long ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture)
                + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
    }

    /// <summary>Waits for the process to exit on its own; fails the test if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"engine (pid {_process.Id}) still runs after {timeout.TotalSeconds} s.");
        }
        return _process.ExitCode;
    }

    /// <summary>Kills the process if it runs and returns everything it wrote, stdout then stderr.</summary>
    public async Task<string> StopAndReadOutputAsync()
    {
        await DisposeAsync();
        return await _stdout + await _stderr;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        await _process.WaitForExitAsync();
    }
}
