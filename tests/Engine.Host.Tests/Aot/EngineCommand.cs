using System.Diagnostics;
using System.Net;
using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Aot;

/// <summary>
/// One way of running the engine binary: the JIT build the tests compile next to themselves
/// (<c>dotnet exec engine.dll</c>), or a native-AOT binary (<see cref="AotBinaryFixture"/>).
/// Every process started here is stopped by its own PID.
/// </summary>
public sealed class EngineCommand
{
    private readonly string _file;
    private readonly string _argumentPrefix;

    private EngineCommand(string name, string file, string argumentPrefix)
    {
        Name = name;
        _file = file;
        _argumentPrefix = argumentPrefix;
    }

    /// <summary>"JIT" or "native AOT", as <c>engine version</c> says it.</summary>
    public string Name { get; }

    public static EngineCommand Jit { get; } =
        new("JIT", "dotnet", $"exec {Path.Combine(AppContext.BaseDirectory, "engine.dll")} ");

    public static EngineCommand Aot(string binary) => new("native AOT", binary, "");

    /// <summary>Runs the engine to completion (a command that exits by itself), bounded by a minute.</summary>
    public (int ExitCode, string StdOut, string StdErr) Run(string arguments) =>
        TestTools.Run(_file, _argumentPrefix + arguments, TimeSpan.FromMinutes(1));

    /// <summary>
    /// Starts <c>engine run</c> on <paramref name="configPath"/>, waits for <paramref name="waitFor"/>
    /// to accept connections, runs <paramref name="scenario"/>, then kills the process.
    /// </summary>
    public async Task RunWhileAsync(string configPath, IPEndPoint waitFor, Func<Task> scenario)
    {
        using Process engine = Process.Start(new ProcessStartInfo(_file, $"{_argumentPrefix}run --config {configPath} --log-level warning")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        Task<string> stdout = engine.StandardOutput.ReadToEndAsync();
        Task<string> stderr = engine.StandardError.ReadToEndAsync();
        try
        {
            await Task.Run(() => TestTools.WaitForListener(waitFor, TimeSpan.FromSeconds(30)));
            await scenario();
        }
        catch (Exception) when (engine.HasExited)
        {
            Assert.Fail($"the {Name} engine exited with {engine.ExitCode}: {await stdout}{await stderr}");
        }
        finally
        {
            if (!engine.HasExited)
            {
                engine.Kill();
            }
            await engine.WaitForExitAsync();
        }
    }
}
