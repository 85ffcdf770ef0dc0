using System.Diagnostics;

namespace Engine.Host.Tests.Aot;

/// <summary>
/// The native-AOT engine binary, built at most once per test run. CI publishes it before the
/// tests and names it in <c>ENGINE_AOT_BINARY</c>; without that variable the fixture takes
/// <c>artifacts/aot/engine</c>, where the README's AOT command writes, and runs that command
/// first when the binary is missing or older than any source (two to four minutes on two
/// cores, once: a second run reuses it).
/// </summary>
public sealed class AotBinaryFixture
{
    public const string BinaryVariable = "ENGINE_AOT_BINARY";

    private static readonly TimeSpan s_publishTimeout = TimeSpan.FromMinutes(15);

    // Two test classes use this fixture and xunit may build both at once: the binary is found
    // (or published) once per process, or two publishes would race on the same output.
    private static readonly Lazy<string> s_binary = new(FindOrPublish, LazyThreadSafetyMode.ExecutionAndPublication);

    public AotBinaryFixture()
    {
        BinaryPath = s_binary.Value;
        Command = EngineCommand.Aot(BinaryPath);
    }

    private static string FindOrPublish()
    {
        if (Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } given)
        {
            string named = Path.GetFullPath(given);
            if (!File.Exists(named))
            {
                throw new InvalidOperationException($"{BinaryVariable} names '{named}', which does not exist.");
            }
            return named;
        }

        string repository = RepositoryRoot();
        string binary = Path.Combine(repository, "artifacts", "aot", "engine");
        if (!File.Exists(binary) || File.GetLastWriteTimeUtc(binary) < NewestSourceWrite(repository))
        {
            Publish(repository);
        }
        return binary;
    }

    public EngineCommand Command { get; }

    /// <summary>The full path of the AOT binary.</summary>
    public string BinaryPath { get; }

    /// <summary>The README's "Native AOT" command, verbatim.</summary>
    public const string PublishArguments = "publish src/Engine.Host -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot";

    private static void Publish(string repository)
    {
        using Process publish = Process.Start(new ProcessStartInfo("dotnet", PublishArguments)
        {
            WorkingDirectory = repository,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        Task<string> stdout = publish.StandardOutput.ReadToEndAsync();
        Task<string> stderr = publish.StandardError.ReadToEndAsync();
        if (!publish.WaitForExit(s_publishTimeout))
        {
            publish.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {PublishArguments} did not finish in {s_publishTimeout}.");
        }
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {PublishArguments} failed ({publish.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        }
    }

    internal static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Engine.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no Engine.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>The latest change to anything the binary is built from: sources, projects and the shared build files.</summary>
    private static DateTime NewestSourceWrite(string repository)
    {
        IEnumerable<string> sources = Directory.EnumerateFiles(Path.Combine(repository, "src"), "*", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        string[] shared = ["Directory.Build.props", "Directory.Packages.props", "global.json"];
        return sources.Concat(shared.Select(name => Path.Combine(repository, name)).Where(File.Exists))
            .Max(File.GetLastWriteTimeUtc);
    }
}
