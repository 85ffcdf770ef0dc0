using System.Text;
using Engine.TestSupport;

namespace Engine.Fuzz.Toml;

/// <summary>
/// Where the TOML target starts: the valid documents of toml-test (toml-lang/toml-test, read in
/// place from the shared test data, see testdata/README.md) when that folder is on this machine,
/// and always a few hand-written documents that between them use every part of TOML 1.0, so a
/// bare clone still fuzzes the whole grammar. A run's inputs depend on which seeds were found.
/// </summary>
internal static class TomlSeeds
{
    private const string CaseList = "toml-test/tests/files-toml-1.0.0";

    private static readonly Lazy<byte[][]> All = new(Load);

    public static IReadOnlyList<byte[]> Documents => All.Value;

    /// <summary>Written by hand: each one reaches a corner the next does not.</summary>
    public static IEnumerable<string> HandWritten =>
    [
        "# Engine gateway\ntitle = \"gateway\"\n\n[entrypoints.web]\naddress = \":80\"\n\n[entrypoints.websecure]\naddress = \":443\"\n" +
        "\n[[routers]]\nname = \"api\"\nrule = \"Host(`api.example.com`) && PathPrefix(`/v1`)\"\nservice = \"api\"\npriority = 10\n" +
        "\n[[services]]\nname = \"api\"\nservers = [ { url = \"http://10.0.0.1:8080\", weight = 3 }, { url = \"http://10.0.0.2:8080\" } ]\n",

        "title = \"TOML \\\"sample\\\" \\u00e9 \\U0001F600 \U0001F600\"\r\n\"quoted key\" = 'literal \\ path'\n" +
        "dotted . \"key\".here = 0xDEAD_beef\nints = [ 1_000, -17, +0, 0o755, 0b1101, 9223372036854775807, -9223372036854775808 ]\n",

        "floats = [ 3.14, -0.0, 1e-3, 6.626e-34, inf, -inf, nan, +nan, 1_000.5E+2, 1.7976931348623157e308, 5e-324 ]\nbools = [true, false]\n",

        "dates = [1979-05-27T07:32:00Z, 1979-05-27 00:32:00.999999999-07:00, 1979-05-27t07:32:00, 1979-05-27, 07:32:00.5, 2000-02-29T23:59:59+14:00]\n",

        "multi = \"\"\"\nRoses \\\n   are red\\r\\n  \"\"quoted\"\" \"\"\"\nlit = '''\r\nC:\\path ''quoted'' '''\nempty = \"\"\nsq = ''\n",

        "inline = { x = 1, y.z = [ { w = \"v\" } ], \"k\" = {} }\nmixed = [ 1, \"two\", [3.0, [[]]], { four = 4 }, # comment\n ]\n",

        "[a.b.c]\nd = 1\n[a]\ne = 2\n[a.b]\nf = 3\n[[x.y]]\n[[x.y]]\nz.w = 'v'\n[x.y.q]\n[[x.y.r]]\n",

        "\uFEFF# byte-order mark, tabs and CRLF\r\n\tkey\t=\t\"value\"\t# trailing\r\n[ spaced . 'header' ]\r\n\"\" = 0\r\n",

        "nested = [[[[[[[[[[1]]]]]]]]]]\ndeep = {a={b={c={d={e={f={g={h={}}}}}}}}}\n",
    ];

    /// <summary>
    /// Pieces of TOML syntax for the mutator, plus byte sequences that are not UTF-8 at all (a
    /// lone continuation byte, an overlong '/', an encoded surrogate, 0xFF).
    /// </summary>
    public static IReadOnlyList<byte[]> Tokens { get; } =
    [
        .. new[]
        {
            "[", "]", "[[", "]]", "{", "}", "=", " = ", ".", ",", "\"", "'", "\"\"\"", "'''", "\\", "\\u", "\\U", "\\u00e9", "\\U0001F600",
            "\\uD800", "\\x", "\n", "\r\n", "\r", "#", " ", "\t", "0x", "0o", "0b", "_", "e", "E+", "inf", "nan", "-", "+", "1979-05-27",
            "T", " 07:32:00", "07:32:00", "Z", "+14:00", "-23:59", ".999999999", "true", "false", "a.b", "\"k\"", "'k'", "\uFEFF", "\u00e9",
            "\U0001F600", "\u0000", "\u007f", "\u0085", "\u2028", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "1e309", "1e-400", "0.", "00", "1__0", "9999-12-31", "0000-01-01", "2024-02-30", "24:00:00", "23:59:60",
        }.Select(Encoding.UTF8.GetBytes),
        [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
    ];

    private static byte[][] Load()
    {
        var seeds = HandWritten.Select(Encoding.UTF8.GetBytes).ToList();
        string? root = TestData.Directory;
        string? list = root is null ? null : Path.Combine(root, CaseList);
        if (list is not null && File.Exists(list))
        {
            string suiteRoot = Path.GetDirectoryName(list)!;
            foreach (string line in File.ReadLines(list))
            {
                string relative = line.Trim();

                // Invalid cases are one mutation away from valid ones anyway; the valid ones are what
                // the mutator cannot easily build from scratch (every kind of value and table).
                if (relative.StartsWith("valid/", StringComparison.Ordinal) && relative.EndsWith(".toml", StringComparison.Ordinal))
                {
                    seeds.Add(File.ReadAllBytes(Path.Combine(suiteRoot, relative)));
                }
            }
        }

        return [.. seeds];
    }
}
