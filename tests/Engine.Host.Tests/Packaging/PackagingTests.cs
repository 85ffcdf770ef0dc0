using System.Net;
using System.Text.RegularExpressions;
using Engine.Core.Configuration;
using Engine.Host.Configuration;
using Engine.Host.Tests.Aot;
using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Packaging;

/// <summary>
/// packaging/ (systemd unit, Dockerfile, sample config) checked against itself and the README:
/// no Docker daemon or hadolint is assumed, so the Dockerfile is read as text and each claim it
/// makes (the publish command, the copied binary and config, the exposed ports, the user) is
/// compared with the file or command it must agree with.
/// </summary>
public sealed partial class PackagingTests : IDisposable
{
    private static readonly string s_repository = AotBinaryFixture.RepositoryRoot();
    private readonly string _directory = Directory.CreateTempSubdirectory("engine-packaging-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Read(string relativePath) => File.ReadAllText(Path.Combine(s_repository, relativePath));

    /// <summary>The arguments of every <paramref name="keyword"/> instruction, continuation lines joined.</summary>
    private static string[] Instructions(string keyword) =>
        [.. Read("packaging/Dockerfile").Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
            .Where(line => line.StartsWith(keyword + " ", StringComparison.Ordinal))
            .Select(line => line[(keyword.Length + 1)..].Trim())];

    /// <summary>The Dockerfile's ENV settings, as the engine reads them inside the image.</summary>
    private static Dictionary<string, string> ImageEnvironment() =>
        Instructions("ENV").Select(setting => setting.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

    [SystemdAnalyzeFact]
    public void SystemdUnit_PassesSystemdAnalyzeVerify_WithoutAWarning()
    {
        // verify checks that every Exec* binary exists; this machine has no installed engine, so
        // the copy points at an executable that does. Any other finding is printed and fails.
        string unit = Read("packaging/engine.service").Replace("/usr/local/bin/engine", "/bin/true", StringComparison.Ordinal);
        string path = Path.Combine(_directory, "engine.service");
        File.WriteAllText(path, unit);

        (int exit, string stdout, string stderr) = TestTools.Run(SystemdAnalyzeFactAttribute.Path, $"verify {path}", TimeSpan.FromMinutes(1));

        Assert.True(exit == 0 && stdout.Length == 0 && stderr.Length == 0, $"systemd-analyze verify exited {exit}:\n{stdout}{stderr}");
    }

    [Fact]
    public void SystemdUnit_RunsTheInstalledBinaryOnTheSampleConfig_ReloadsWithSighup_AndOutwaitsTheDrain()
    {
        string unit = Read("packaging/engine.service");

        Assert.Contains("\nExecStart=/usr/local/bin/engine run --config /etc/engine/engine.toml\n", unit, StringComparison.Ordinal);
        Assert.Contains("\nExecReload=/bin/kill -HUP $MAINPID\n", unit, StringComparison.Ordinal);
        TimeSpan stopTimeout = TimeSpan.FromSeconds(int.Parse(UnitSetting(unit, "TimeoutStopSec").TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(stopTimeout > SampleConfig(new Dictionary<string, string>()).DrainTimeout, $"TimeoutStopSec={stopTimeout} does not leave room for the drain");
        Assert.Contains("/var/log/engine", UnitSetting(unit, "ReadWritePaths"), StringComparison.Ordinal);
        Assert.StartsWith("/var/log/engine/", SampleConfig(new Dictionary<string, string>()).AccessLog!.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_PublishesWithTheReadmesAotCommand()
    {
        Match readme = ReadmeAotCommand().Match(Read("README.md"));
        Assert.True(readme.Success, "README.md has no 'dotnet publish ... -p:PublishAot=true' command under Native AOT");

        string publish = Assert.Single(Instructions("RUN"), run => run.StartsWith("dotnet publish", StringComparison.Ordinal));

        Assert.Equal(readme.Value, publish);
        Assert.Equal("dotnet " + AotBinaryFixture.PublishArguments, publish);
        Assert.Contains(Instructions("RUN"), run => run.Contains("clang", StringComparison.Ordinal) && run.Contains("zlib1g-dev", StringComparison.Ordinal));
    }

    [Fact]
    public void Dockerfile_BuildsOnTheSdkOfGlobalJson_AndRunsOnRuntimeDepsAsNonRoot()
    {
        string[] stages = Instructions("FROM");
        string sdkVersion = GlobalJsonSdk().Match(Read("global.json")).Groups["major"].Value;

        Assert.Equal([$"mcr.microsoft.com/dotnet/sdk:{sdkVersion} AS build", $"mcr.microsoft.com/dotnet/runtime-deps:{sdkVersion} AS runtime"], stages);
        string user = Assert.Single(Instructions("USER"));
        Assert.DoesNotContain(user, new[] { "root", "0", "0:0" });
    }

    [Fact]
    public void Dockerfile_CopiesThePublishedBinaryAndTheSampleConfig_ToThePathsTheUnitUses()
    {
        string[] copies = Instructions("COPY");
        string unit = Read("packaging/engine.service");

        Assert.Contains("--from=build /src/artifacts/aot/engine /usr/local/bin/engine", copies);
        Assert.Contains("packaging/engine.toml /etc/engine/engine.toml", copies);
        Assert.Equal("[\"/usr/local/bin/engine\"]", Assert.Single(Instructions("ENTRYPOINT")));
        Assert.Equal("[\"run\", \"--config\", \"/etc/engine/engine.toml\"]", Assert.Single(Instructions("CMD")));
        Assert.Contains("ExecStart=/usr/local/bin/engine run --config /etc/engine/engine.toml", unit, StringComparison.Ordinal);

        // Every file copied from the build context exists and is not excluded by .dockerignore.
        string[] ignored = [.. Read(".dockerignore").Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0 && line[0] != '#')];
        foreach (string copy in copies.Where(copy => !copy.StartsWith("--from", StringComparison.Ordinal)))
        {
            foreach (string source in copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            {
                Assert.True(File.Exists(Path.Combine(s_repository, source)) || Directory.Exists(Path.Combine(s_repository, source)), $"COPY {source}: not in the repository");
                Assert.DoesNotContain(ignored, pattern => source.StartsWith(pattern.TrimStart('*', '/'), StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void Dockerfile_ExposesExactlyThePortsTheSampleConfigListensOn()
    {
        GatewayConfig config = SampleConfig(ImageEnvironment());
        int[] listening = [.. config.Entrypoints.Select(entrypoint => IPEndPoint.Parse(entrypoint.Address).Port).Order()];
        int[] exposed = [.. Instructions("EXPOSE").SelectMany(ports => ports.Split(' ')).Select(int.Parse).Order()];

        Assert.Equal(listening, exposed);
        Assert.Equal("stdout", config.AccessLog!.Path);
    }

    [Fact]
    public void SampleConfig_IsValidForTheEngineBinary_InTheImageAndUnderSystemd()
    {
        string engine = Path.Combine(AppContext.BaseDirectory, "engine.dll");
        string config = Path.Combine(s_repository, "packaging", "engine.toml");

        (int systemdExit, string systemdOut, string systemdErr) = TestTools.Run("dotnet", $"exec {engine} validate --config {config}", TimeSpan.FromMinutes(1));
        (int imageExit, string imageOut, string imageErr) = TestTools.Run("dotnet", $"exec {engine} validate --config {config}", TimeSpan.FromMinutes(1), env: ("ENGINE_ACCESS_LOG", ImageEnvironment()["ENGINE_ACCESS_LOG"]));

        Assert.True(systemdExit == 0, systemdOut + systemdErr);
        Assert.True(imageExit == 0, imageOut + imageErr);
    }

    private static GatewayConfig SampleConfig(IReadOnlyDictionary<string, string> environment) =>
        ConfigLoader.Load(Path.Combine(s_repository, "packaging", "engine.toml"), name => environment.GetValueOrDefault(name)).Config;

    private static string UnitSetting(string unit, string key) =>
        Assert.Single(unit.Split('\n'), line => line.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];

    [GeneratedRegex(@"(?<=## Native AOT\s+```sh\s+)dotnet publish [^\n]*PublishAot=true[^\n]*")]
    private static partial Regex ReadmeAotCommand();

    [GeneratedRegex("\"version\":\\s*\"(?<major>\\d+\\.\\d+)\\.")]
    private static partial Regex GlobalJsonSdk();
}
