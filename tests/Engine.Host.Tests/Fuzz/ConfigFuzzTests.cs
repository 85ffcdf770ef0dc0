using System.Text;
using Engine.Fuzz;
using Engine.Fuzz.Routing;
using Engine.Fuzz.Toml;
using Engine.Host.Configuration.Toml;
using Xunit.Abstractions;

namespace Engine.Host.Tests.Fuzz;

/// <summary>
/// The configuration fuzz targets as a smoke test: a fixed number of inputs from a fixed seed
/// (reproduce a failure with <c>Engine.Fuzz --target NAME --iterations N --seed 1</c>), and
/// every crasher ever recorded for them replayed.
/// </summary>
public class ConfigFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 1;

    [Fact]
    public void FuzzRunner_TomlTarget50000InputsWithSeed1_FindsNothing() => AssertNoFinding(new TomlDocumentTarget(), 50_000);

    // Fewer inputs: each one builds its NonBacktracking regexes four times (parse, canonical
    // re-parse, table, interpreter); about 3,000 inputs a second on one free core.
    [Fact]
    public void FuzzRunner_RuleTarget20000InputsWithSeed1_FindsNothing() => AssertNoFinding(new RuleParserTarget(), 20_000);

    [Fact]
    public void Crashers_EveryRecordedConfigFinding_NowPasses()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "crashers");
        string[] files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.bin", SearchOption.AllDirectories) : [];
        var targets = FuzzRunner.ConfigTargets().ToDictionary(t => t.Name, StringComparer.Ordinal);

        var failures = new List<string>();
        foreach (string file in files)
        {
            string targetName = Path.GetFileName(Path.GetDirectoryName(file))!;
            Assert.True(targets.TryGetValue(targetName, out IFuzzTarget? target), $"{file}: its folder names no configuration target");
            if (FuzzRunner.RunOne(target, File.ReadAllBytes(file)) is { } problem)
            {
                failures.Add($"{file}: {problem}");
            }
        }

        output.WriteLine($"{files.Length} crashers replayed");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void TomlSeeds_EveryHandWrittenDocument_Parses()
    {
        foreach (string document in TomlSeeds.HandWritten)
        {
            Exception? thrown = Record.Exception(() => TomlDocument.Parse(document));
            Assert.True(thrown is null, $"{thrown?.Message} in seed:\n{document}");
        }
    }

    [Fact]
    public void RuleSeeds_EveryRule_ParsesAsHttpOrTcp()
    {
        foreach (string rule in RuleSeeds.Rules)
        {
            Assert.True(RuleParserTarget.Accepts(Encoding.UTF8.GetBytes(rule)), $"seed does not parse: {rule}");
        }
    }

    [Fact]
    public void RuleSeeds_EveryMatcherAndOperator_IsUsed()
    {
        string[] names =
        [
            "Host", "HostRegexp", "Path", "PathPrefix", "PathRegexp", "Method", "Header", "HeaderRegexp", "Query", "QueryRegexp",
            "ClientIP", "Headers", "HeadersRegexp", "HostHeader", "HostSNI", "HostSNIRegexp", "ALPN",
        ];

        foreach (string name in names)
        {
            Assert.Contains(RuleSeeds.Rules, rule => rule.Contains(name + "(", StringComparison.Ordinal));
        }

        foreach (string syntax in new[] { "&&", "||", "!", "((", "`", "\"", "\\\"" })
        {
            Assert.Contains(RuleSeeds.Rules, rule => rule.Contains(syntax, StringComparison.Ordinal));
        }
    }

    private void AssertNoFinding(IFuzzTarget target, int iterations)
    {
        // The hang limit is generous: a shared CI core may stall; a real hang stalls for ever.
        var options = new FuzzOptions { Seed = Seed, Iterations = iterations, CrasherDirectory = null, HangLimit = TimeSpan.FromSeconds(5) };

        FuzzReport report = FuzzRunner.Run([target], options);

        output.WriteLine($"[{target.Name}] {report.Inputs} inputs in {report.Elapsed.TotalSeconds:F1} s, {report.Findings.Count} findings");
        Assert.Equal(iterations, report.Inputs);
        Assert.True(report.Findings.Count == 0, string.Join("\n", report.Findings.Take(5).Select(f =>
            $"[{f.Target}] {f.Problem}\n  input: {Convert.ToHexString(f.Input.AsSpan(0, Math.Min(f.Input.Length, 256)))}")));
    }
}
