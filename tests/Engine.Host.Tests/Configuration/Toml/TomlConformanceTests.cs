using Engine.TestSupport;
using System.Text.Json.Nodes;
using Engine.Host.Configuration.Toml;
using Xunit.Abstractions;

namespace Engine.Host.Tests.Configuration.Toml;

/// <summary>
/// The toml-test suite (toml-lang/toml-test), read in place from the shared test data: every valid
/// case must parse to the expected tagged JSON, every invalid case must end in a TomlException.
/// </summary>
public sealed class TomlConformanceTests(ITestOutputHelper output)
{
    private const string CaseList = "toml-test/tests/files-toml-1.0.0";

    [TestDataFact(CaseList)]
    public void TomlTest_Version1_0_EveryCasePasses()
    {
        string list = TestData.PathTo(CaseList);
        string suiteRoot = Path.GetDirectoryName(list)!;
        var misses = new List<string>();
        int valid = 0;
        int invalid = 0;
        foreach (string line in File.ReadLines(list))
        {
            string relative = line.Trim();

            // The list also names each valid case's .json expectation and the .multi generator inputs.
            if (!relative.EndsWith(".toml", StringComparison.Ordinal))
            {
                continue;
            }

            string path = Path.Combine(suiteRoot, relative);
            string? miss;
            if (relative.StartsWith("valid/", StringComparison.Ordinal))
            {
                valid++;
                miss = CheckValid(relative, path);
            }
            else if (relative.StartsWith("invalid/", StringComparison.Ordinal))
            {
                invalid++;
                miss = CheckInvalid(relative, path);
            }
            else
            {
                miss = "neither valid/ nor invalid/";
            }

            if (miss is not null)
            {
                misses.Add($"{relative}: {miss}");
            }
        }

        int total = valid + invalid;
        output.WriteLine($"toml-test 1.0: {total - misses.Count}/{total} ({valid} valid, {invalid} invalid cases)");
        foreach (string miss in misses)
        {
            output.WriteLine(miss);
        }

        // The shared data is kept unchanged: a different count means the list was misread.
        Assert.Equal((210, 499), (valid, invalid));
        Assert.True(misses.Count == 0, $"{misses.Count} of {total} toml-test cases failed:\n{string.Join('\n', misses)}");
    }

    private static string? CheckValid(string relative, string path)
    {
        TomlDocument document;
        try
        {
            document = TomlDocument.ParseUtf8(File.ReadAllBytes(path), relative);
        }
        catch (Exception e)
        {
            return $"rejected valid input: {e.GetType().Name}: {e.Message}";
        }

        JsonNode? expected = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(path, ".json")));
        var differences = new List<string>();
        TomlTestJson.Compare(expected, document.Root, "", differences);
        return differences.Count == 0 ? null : string.Join("; ", differences.Take(5));
    }

    private static string? CheckInvalid(string relative, string path)
    {
        try
        {
            TomlDocument.ParseUtf8(File.ReadAllBytes(path), relative);
            return "accepted invalid input";
        }
        catch (TomlException e)
        {
            // The error must be located in this file.
            return e.FileName == relative && e.Line >= 1 && e.Column >= 1 && e.Message.StartsWith(relative + ":", StringComparison.Ordinal)
                ? null
                : $"badly located error: {e.Message}";
        }
        catch (Exception e)
        {
            return $"threw {e.GetType().Name} instead of TomlException: {e.Message}";
        }
    }
}
