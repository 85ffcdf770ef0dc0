using System.Text;
using Engine.Host.Configuration.Toml;

namespace Engine.Host.Tests.Configuration.Toml;

/// <summary>
/// Every incomplete prefix and every one-character corruption of a document that uses all of TOML
/// must either parse or end in a <see cref="TomlException"/>: nothing else may escape the parser.
/// </summary>
public sealed class TomlRobustnessTests
{
    private const string Sample =
        "# Engine sample \u00e9\r\n" +
        "title = \"TOML \\\"sample\\\" \\u00e9 \\U0001F600 \U0001F600\"\r\n" +
        "\"quoted key\" = 'literal \\ path'\n" +
        "dotted . \"key\".here = 0xDEAD_beef\n" +
        "ints = [ 1_000, -17, +0, 0o755, 0b1101 ]\n" +
        "floats = [ 3.14, -0.0, 1e-3, 6.626e-34, inf, -inf, nan, 1_000.5E+2 ]\n" +
        "bools = [true, false]\n" +
        "dates = [1979-05-27T07:32:00Z, 1979-05-27 00:32:00.999999-07:00, 1979-05-27t07:32:00, 1979-05-27, 07:32:00.5]\n" +
        "multi = \"\"\"\nRoses \\\n   are red\\r\\n  \"\"quoted\"\" \"\"\"\n" +
        "lit = '''\r\nC:\\path ''quoted'' '''\n" +
        "inline = { x = 1, y.z = [ { w = \"v\" } ], \"k\" = {} }\n" +
        "mixed = [ 1, \"two\", [3.0], { four = 4 }, # comment\n ]\n" +
        "[server]\n" +
        "address = \"0.0.0.0:80\" # trailing comment\n" +
        "[server.tls]\n" +
        "[[routes]]\n" +
        "match = \"Host(`a`)\"\n" +
        "[[routes]]\n" +
        "[routes.options]\n" +
        "retry = 3\n" +
        "[[routes.middlewares]]\n" +
        "name = \"m\"\n";

    private static readonly char[] Corruptions =
        ['\0', '\r', '\n', ' ', '"', '\'', '[', ']', '{', '}', '=', '.', ',', '#', '\\', '\uD83D', '0', ':'];

    [Fact]
    public void Sample_Parses()
    {
        TomlTable root = TomlDocument.Parse(Sample).Root;

        Assert.Equal(
            ["title", "quoted key", "dotted", "ints", "floats", "bools", "dates", "multi", "lit", "inline", "mixed", "server", "routes"],
            root.Entries.Select(e => e.Key));
        Assert.Equal("Roses are red\r\n  \"\"quoted\"\" ", ((TomlValue)root["multi"]).GetString());
        Assert.Equal("C:\\path ''quoted'' ", ((TomlValue)root["lit"]).GetString());
    }

    [Fact]
    public void EveryPrefix_ParsesOrThrowsTomlException()
    {
        for (int length = 0; length <= Sample.Length; length++)
        {
            AssertOnlyTomlException(Sample[..length]);
        }
    }

    [Fact]
    public void EveryUtf8BytePrefix_ParsesOrThrowsTomlException()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Sample);
        for (int length = 0; length <= bytes.Length; length++)
        {
            byte[] prefix = bytes[..length];
            Exception? thrown = Record.Exception(() => TomlDocument.ParseUtf8(prefix, "sample.toml"));
            if (thrown is not (null or TomlException))
            {
                Assert.Fail($"prefix of {length} bytes threw {thrown}");
            }
        }
    }

    [Fact]
    public void EveryOneCharacterCorruption_ParsesOrThrowsTomlException()
    {
        var text = new StringBuilder(Sample);
        for (int i = 0; i < Sample.Length; i++)
        {
            foreach (char corruption in Corruptions)
            {
                text[i] = corruption;
                AssertOnlyTomlException(text.ToString());
            }

            text[i] = Sample[i];
        }
    }

    private static void AssertOnlyTomlException(string text)
    {
        Exception? thrown = Record.Exception(() => TomlDocument.Parse(text, "sample.toml"));
        if (thrown is null)
        {
            return;
        }

        // Messages are built only on failure: formatting a stack trace for each of thousands of inputs costs seconds.
        if (thrown is not TomlException e)
        {
            Assert.Fail($"{thrown.GetType().Name} for input:\n{text}\n{thrown}");
            return;
        }

        if (e.Line < 1 || e.Column < 1 || e.FileName != "sample.toml")
        {
            Assert.Fail($"badly located: {e.Message}");
        }
    }
}
