using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Engine.Http.Tests.Conformance;

/// <summary>
/// One case of llhttp's markdown test suite (test/request/*.md, test/response/*.md): the input
/// bytes, the parser mode, and whether llhttp reports an error for it.
/// </summary>
/// <param name="CompletedBeforeError">Messages llhttp completed before its error (its "message complete" lines).</param>
public sealed partial record LlhttpCase(string Name, string Type, bool SkipBody, byte[] Input, string? Error, int CompletedBeforeError)
{
    /// <summary>llhttp's "errors" 21-23 are pauses (on request, on CONNECT/Upgrade, on PRI): not rejections.</summary>
    private static readonly int[] PauseCodes = [21, 22, 23];

    public bool IsResponse => Type.StartsWith("response", StringComparison.Ordinal);

    /// <summary>Strict modes only; "-lenient-*" and loose variants switch llhttp leniencies on.</summary>
    public bool IsStrict => Type is "request" or "response" or "request-finish" or "response-finish";

    /// <summary>True when llhttp rejects the input (a pause is not a rejection).</summary>
    public bool LlhttpRejects => Error is not null;

    public override string ToString() => Name;

    /// <summary>Reads every case of one markdown file; names are "file: heading".</summary>
    public static IEnumerable<LlhttpCase> ReadFile(string path)
    {
        string file = Path.GetFileNameWithoutExtension(path);
        string folder = Path.GetFileName(Path.GetDirectoryName(path))!;
        string[] lines = File.ReadAllLines(path);
        string heading = "";
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith('#'))
            {
                heading = line.TrimStart('#').Trim();
                continue;
            }
            Match meta = MetaPattern().Match(line);
            if (!meta.Success)
            {
                continue;
            }
            using JsonDocument json = JsonDocument.Parse(meta.Groups[1].Value);
            string type = json.RootElement.GetProperty("type").GetString()!;
            bool skipBody = json.RootElement.TryGetProperty("skipBody", out JsonElement skip) && skip.GetBoolean();

            List<string> input = ReadBlock(lines, ref i, "```http");
            List<string> log = ReadBlock(lines, ref i, "```log");
            string name = $"{folder}/{file}: {heading}";
            seen[name] = seen.GetValueOrDefault(name) + 1;
            if (seen[name] > 1)
            {
                name += $" #{seen[name]}";
            }
            string? error = ErrorOf(log);
            int completed = log.TakeWhile(l => l != error).Count(l => l.EndsWith(" message complete", StringComparison.Ordinal));
            yield return new LlhttpCase(name, type, skipBody, BuildInput(input), error, completed);
        }
    }

    private static List<string> ReadBlock(string[] lines, ref int i, string fence)
    {
        while (++i < lines.Length && lines[i] != fence)
        {
        }
        var block = new List<string>();
        while (++i < lines.Length && lines[i] != "```")
        {
            block.Add(lines[i]);
        }
        return block;
    }

    private static string? ErrorOf(List<string> log)
    {
        for (int i = log.Count - 1; i >= 0; i--)
        {
            Match error = ErrorPattern().Match(log[i]);
            if (error.Success)
            {
                int code = int.Parse(error.Groups[1].Value, CultureInfo.InvariantCulture);
                return PauseCodes.Contains(code) ? null : log[i];
            }
        }
        return null;
    }

    /// <summary>
    /// As llhttp's runner builds bytes (testdata README): drop the trailing newline, drop
    /// backslash-escaped newlines, turn every other newline into CRLF, then replace \r, \n, \t,
    /// \f, \xHH and octal \NNN escapes and evaluate ${"x".repeat(N)} expressions.
    /// </summary>
    public static byte[] BuildInput(IReadOnlyList<string> blockLines)
    {
        string text = string.Join("\n", blockLines);
        text = text.Replace("\\\n", "", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        text = RepeatPattern().Replace(text, m =>
        {
            string unit = m.Groups[1].Value;
            int count = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            return string.Concat(Enumerable.Repeat(unit, count));
        });
        if (text.Contains("${", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Unsupported expression in llhttp input: {text}");
        }

        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\\' || i + 1 >= text.Length)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                continue;
            }
            char next = text[i + 1];
            switch (next)
            {
                case 'r': bytes.Add((byte)'\r'); i++; break;
                case 'n': bytes.Add((byte)'\n'); i++; break;
                case 't': bytes.Add((byte)'\t'); i++; break;
                case 'f': bytes.Add((byte)'\f'); i++; break;
                case 'x' when IsHex(text, i + 2, 2):
                    bytes.Add(byte.Parse(text.AsSpan(i + 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 3;
                    break;
                case >= '0' and <= '7' when IsOctal(text, i + 1, 3):
                    bytes.Add((byte)Convert.ToInt32(text.Substring(i + 1, 3), 8));
                    i += 3;
                    break;
                default:
                    bytes.Add((byte)'\\');
                    break;
            }
        }
        return [.. bytes];
    }

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");
    private static readonly SearchValues<char> OctalDigits = SearchValues.Create("01234567");

    private static bool IsHex(string text, int start, int count) =>
        start + count <= text.Length && !text.AsSpan(start, count).ContainsAnyExcept(HexDigits);

    private static bool IsOctal(string text, int start, int count) =>
        start + count <= text.Length && !text.AsSpan(start, count).ContainsAnyExcept(OctalDigits);

    [GeneratedRegex(@"^<!--\s*meta=(\{.*\})\s*-->")]
    private static partial Regex MetaPattern();

    [GeneratedRegex(@"^off=\d+ error code=(\d+) ")]
    private static partial Regex ErrorPattern();

    [GeneratedRegex("""\$\{"([^"]*)"\.repeat\((\d+)\)\}""")]
    private static partial Regex RepeatPattern();
}
