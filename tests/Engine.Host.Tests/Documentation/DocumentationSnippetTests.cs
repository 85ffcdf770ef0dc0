using System.Text.RegularExpressions;
using Engine.Core.Configuration;
using Engine.Core.Routing;
using Engine.Host.Configuration;
using Engine.Host.Tests.Configuration;

namespace Engine.Host.Tests.Documentation;

/// <summary>
/// A user copies what the README and docs/ show. Every TOML block there is loaded as the engine
/// would load it: a plain <c>```toml</c> block is a whole configuration and must be valid, a
/// <c>```toml fragment</c> shows some tables of one and must bind without a problem (its rules
/// must parse), and a
/// <c>```toml invalid</c> block is followed by the <c>```text</c> block that shows what
/// <c>engine validate</c> prints for it, which must be exactly what it prints.
/// </summary>
public sealed partial class DocumentationSnippetTests
{
    private static readonly string s_root = ExampleConfigTests.RepositoryRoot();

    public static TheoryData<string, int> TomlSnippets()
    {
        var data = new TheoryData<string, int>();
        foreach (string document in Documents())
        {
            int count = Blocks(document).Count(b => b.Info.StartsWith("toml", StringComparison.Ordinal));
            for (int i = 0; i < count; i++)
            {
                data.Add(document, i);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TomlSnippets))]
    public void TomlSnippet_InDocumentation_LoadsAsItsTagSays(string document, int index)
    {
        Block block = Blocks(document).Where(b => b.Info.StartsWith("toml", StringComparison.Ordinal)).ElementAt(index);
        string directory = Directory.CreateTempSubdirectory("engine-doc-").FullName;
        try
        {
            string path = Path.Combine(directory, "gateway.toml");
            File.WriteAllText(path, block.Text);
            CreateIncludedFiles(directory, block.Text);
            switch (block.Info)
            {
                case "toml":
                    AssertLoads(path, wholeConfiguration: true, document, block);
                    break;
                case "toml fragment":
                    AssertLoads(path, wholeConfiguration: false, document, block);
                    break;
                case "toml invalid":
                    Assert.Throws<GatewayConfigException>(() => ConfigLoader.Load(path, _ => null));
                    break;
                default:
                    Assert.Fail($"{document}:{block.Line}: unknown block tag '{block.Info}'; use toml, toml fragment or toml invalid.");
                    break;
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public static TheoryData<string, int> InvalidSnippets()
    {
        var data = new TheoryData<string, int>();
        foreach (string document in Documents())
        {
            List<Block> blocks = Blocks(document);
            for (int i = 0; i < blocks.Count; i++)
            {
                if (blocks[i].Info == "toml invalid")
                {
                    data.Add(document, i);
                }
            }
        }
        return data;
    }

    [Fact]
    public void Readme_ShowsAnInvalidConfigurationWithItsValidateOutput() =>
        Assert.Contains(Blocks("README.md"), b => b.Info == "toml invalid");

    [Theory]
    [MemberData(nameof(InvalidSnippets))]
    public void ValidateOutput_ShownAfterAnInvalidSnippet_IsWhatValidatePrints(string document, int index)
    {
        List<Block> blocks = Blocks(document);
        Assert.True(index + 1 < blocks.Count && blocks[index + 1].Info == "text",
            $"{document}:{blocks[index].Line}: a ```toml invalid block must be followed by the ```text block of what validate prints for it.");
        Block shown = blocks[index + 1];

        string directory = Directory.CreateTempSubdirectory("engine-doc-").FullName;
        try
        {
            string path = Path.Combine(directory, "gateway.toml");
            File.WriteAllText(path, blocks[index].Text);
            var output = new StringWriter();
            var error = new StringWriter();
            int exit = ValidateCommand.Run(path, output, error, _ => null);

            Assert.Equal(1, exit);
            string printed = (output.ToString() + error.ToString()).Replace(directory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
            string[] expected = [.. shown.Text.Split('\n').Where(line => line.Length > 0 && !line.StartsWith("$ ", StringComparison.Ordinal))];
            Assert.Equal(expected, printed.Split('\n').Where(line => line.Length > 0).ToArray());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AdminApiDocs_MalformedJsonExample_IsWhatTheApiAnswers()
    {
        List<Block> blocks = Blocks("docs/admin-api.md");
        int body = blocks.FindIndex(b => b.Info == "json" && b.Text.Contains(", ,", StringComparison.Ordinal));
        Assert.True(body >= 0 && body + 1 < blocks.Count, "docs/admin-api.md no longer shows its malformed JSON example.");
        using var answer = System.Text.Json.JsonDocument.Parse(blocks[body + 1].Text);
        string documented = answer.RootElement.GetProperty("errors")[0].GetString()!;

        bool read = Engine.Host.Admin.AdminJson.TryReadConfig(System.Text.Encoding.UTF8.GetBytes(blocks[body].Text), out _, out string? error);

        Assert.False(read);
        Assert.Equal(documented, error);
    }

    private static void AssertLoads(string path, bool wholeConfiguration, string document, Block block)
    {
        try
        {
            // A snippet that reads ${VAR} without a default assumes its reader has set it.
            HashSet<string> required = [.. Regex.Matches(block.Text, @"\$\{(\w+)\}").Select(m => m.Groups[1].Value)];
            LoadedConfig loaded = ConfigLoader.Load(path, name => required.Contains(name) ? "set-by-the-reader" : null, wholeConfiguration);
            // A fragment is not validated as a whole, which is where rules are parsed: parse them here.
            foreach (RouterConfig router in loaded.Config.Routers)
            {
                try
                {
                    RuleParser.Parse(router.Rule);
                }
                catch (RuleSyntaxException ex)
                {
                    Assert.Fail($"{document}:{block.Line}: the ```{block.Info} block's routers.{router.Name}.rule does not parse: {ex.Message}");
                }
            }
        }
        catch (GatewayConfigException ex)
        {
            Assert.Fail($"{document}:{block.Line}: the ```{block.Info} block does not load:{Environment.NewLine}{string.Join(Environment.NewLine, ex.Errors)}");
        }
    }

    /// <summary>An include snippet names files of its own; they exist (empty) beside it, as they would for its reader.</summary>
    private static void CreateIncludedFiles(string directory, string toml)
    {
        foreach (Match include in Regex.Matches(toml, "^(?<key>directory|filename)\\s*=\\s*\"(?<path>[^\"]+)\"", RegexOptions.Multiline))
        {
            string target = Path.Combine(directory, include.Groups["path"].Value);
            if (include.Groups["key"].Value == "directory")
            {
                Directory.CreateDirectory(target);
            }
            else
            {
                File.WriteAllText(target, "");
            }
        }
    }

    private static IEnumerable<string> Documents() =>
        [
            "README.md",
            .. Directory.GetFiles(Path.Combine(s_root, "docs"), "*.md")
                .Select(f => Path.GetRelativePath(s_root, f))
                .Order(StringComparer.Ordinal),
        ];

    /// <summary>A fenced code block: its info string, its text, and the line of its opening fence.</summary>
    private readonly record struct Block(string Info, string Text, int Line);

    private static List<Block> Blocks(string document)
    {
        string text = File.ReadAllText(Path.Combine(s_root, document)).Replace("\r\n", "\n", StringComparison.Ordinal);
        var blocks = new List<Block>();
        foreach (Match match in Fence().Matches(text))
        {
            int line = text.AsSpan(0, match.Index).Count('\n') + 1;
            string indent = match.Groups["indent"].Value;
            // A block inside a list item is indented; its lines lose that indentation.
            string body = string.Join('\n', match.Groups["body"].Value.Split('\n').Select(l => l.StartsWith(indent, StringComparison.Ordinal) ? l[indent.Length..] : l));
            blocks.Add(new Block(match.Groups["info"].Value.Trim(), body, line));
        }
        return blocks;
    }

    [GeneratedRegex(@"^(?<indent>[ ]*)```(?<info>[^\n`]*)\n(?<body>.*?)^\k<indent>```[ ]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();
}
