using Engine.Core.Configuration;
using Engine.Host.Configuration;

namespace Engine.Host.Tests.Configuration;

/// <summary>The shipped examples stay valid: each main file loads and validates without a warning, and no example file is left out.</summary>
public sealed class ExampleConfigTests
{
    private static readonly string s_examples = Path.Combine(RepositoryRoot(), "examples");

    public static TheoryData<string> MainFiles() => new(MainFileNames());

    private static string[] MainFileNames() =>
    [
        .. Directory.GetFiles(s_examples, "*.toml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!,
        // A directory example: its main file includes the rest.
        "conf.d/gateway.toml",
    ];

    [Theory]
    [MemberData(nameof(MainFiles))]
    public void Load_Example_IsValidWithoutWarnings(string example)
    {
        LoadedConfig loaded = ConfigLoader.Load(Path.Combine(s_examples, example), _ => null);

        Assert.Empty(loaded.Warnings);
        Assert.NotEmpty(loaded.Config.Entrypoints);
        Assert.NotEmpty(loaded.Config.Routers);
        Assert.NotEmpty(loaded.Config.Services);
    }

    [Fact]
    public void Examples_EveryTomlFile_IsLoadedByOneOfTheMainFiles()
    {
        var loaded = new HashSet<string>(StringComparer.Ordinal);
        foreach (string example in MainFileNames())
        {
            loaded.UnionWith(ConfigLoader.Load(Path.Combine(s_examples, example), _ => null).Files);
        }

        string[] all = Directory.GetFiles(s_examples, "*.toml", SearchOption.AllDirectories);
        Assert.Empty(all.Select(Path.GetFullPath).Except(loaded));
    }

    [Fact]
    public void Examples_ListenAndUpstreamPorts_StayIn18000To18999()
    {
        foreach (string file in Directory.GetFiles(s_examples, "*.toml", SearchOption.AllDirectories))
        {
            foreach (System.Text.RegularExpressions.Match port in System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(file), @"127\.0\.0\.1:(\d+)"))
            {
                Assert.InRange(int.Parse(port.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 18000, 18999);
            }
        }
    }

    /// <summary>
    /// A user who copies an example's "engine origin" line gets every upstream it names, so the
    /// example answers 200 instead of 502: the line and the servers must not drift apart.
    /// </summary>
    [Theory]
    [MemberData(nameof(MainFiles))]
    public void Example_OriginCommandInItsHeader_StartsEveryServerItUses(string example)
    {
        string path = Path.Combine(s_examples, example);
        GatewayConfig config = ConfigLoader.Load(path, _ => null).Config;
        string[] servers = [.. config.Services.SelectMany(s => s.Destinations).Select(d => new Uri(d.Address).Authority).Distinct().Order(StringComparer.Ordinal)];

        string header = string.Join(" ", File.ReadLines(path).TakeWhile(line => line.StartsWith('#')).Select(line => line.TrimStart('#').Trim().TrimEnd('\\')));
        int command = header.IndexOf("engine origin ", StringComparison.Ordinal);
        Assert.True(command >= 0, $"{example} does not say how to start its upstreams ('engine origin --listen ...' in its first comment lines).");
        string[] listened = [.. System.Text.RegularExpressions.Regex.Matches(header[command..], @"--listen (\S+)").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal)];

        Assert.Equal(servers, listened);
    }

    /// <summary>The folder holding Engine.sln, found from the test binaries upwards.</summary>
    internal static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Engine.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Engine.sln above {AppContext.BaseDirectory}.");
    }
}
