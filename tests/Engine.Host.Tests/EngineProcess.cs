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

    public static EngineProcess Start(string arguments)
    {
        string engineDll = Path.Combine(AppContext.BaseDirectory, "engine.dll");
        return new EngineProcess(Process.Start(new ProcessStartInfo("dotnet", $"exec {engineDll} {arguments}")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!);
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
