using System.Globalization;
using System.Text.Json.Nodes;
using Engine.Host.Configuration.Toml;

namespace Engine.Host.Tests.Configuration.Toml;

/// <summary>
/// Compares our document model with toml-test's tagged JSON: a table is an object, an array an
/// array, and a scalar <c>{"type": T, "value": "text"}</c>. Floats compare numerically (inf, -inf, nan
/// spelled as strings), date-times after normalizing both sides, everything else exactly.
/// </summary>
internal static class TomlTestJson
{
    public static void Compare(JsonNode? expected, TomlNode actual, string path, List<string> differences)
    {
        switch (actual)
        {
            case TomlTable table:
                CompareTable(expected, table, path, differences);
                break;
            case TomlArray array:
                if (expected is not JsonArray expectedArray)
                {
                    differences.Add($"{path}: expected {Describe(expected)}, got an array");
                    return;
                }

                if (expectedArray.Count != array.Count)
                {
                    differences.Add($"{path}: expected {expectedArray.Count} elements, got {array.Count}");
                    return;
                }

                for (int i = 0; i < array.Count; i++)
                {
                    Compare(expectedArray[i], array[i], $"{path}[{i}]", differences);
                }

                break;
            case TomlValue value:
                CompareScalar(expected, value, path, differences);
                break;
            default:
                differences.Add($"{path}: unknown node type {actual.GetType().Name}");
                break;
        }
    }

    private static void CompareTable(JsonNode? expected, TomlTable table, string path, List<string> differences)
    {
        if (expected is not JsonObject expectedObject || IsTaggedScalar(expectedObject))
        {
            differences.Add($"{path}: expected {Describe(expected)}, got a table");
            return;
        }

        foreach (TomlKeyValue entry in table)
        {
            string childPath = path.Length == 0 ? entry.Key : $"{path}.{entry.Key}";
            if (expectedObject.TryGetPropertyValue(entry.Key, out JsonNode? child))
            {
                Compare(child, entry.Value, childPath, differences);
            }
            else
            {
                differences.Add($"{childPath}: unexpected key");
            }
        }

        foreach (KeyValuePair<string, JsonNode?> property in expectedObject)
        {
            if (!table.ContainsKey(property.Key))
            {
                differences.Add($"{(path.Length == 0 ? property.Key : $"{path}.{property.Key}")}: missing key");
            }
        }
    }

    private static void CompareScalar(JsonNode? expected, TomlValue value, string path, List<string> differences)
    {
        if (expected is not JsonObject tagged || !IsTaggedScalar(tagged))
        {
            differences.Add($"{path}: expected {Describe(expected)}, got {value.Kind} {value}");
            return;
        }

        string type = (string)tagged["type"]!;
        string text = (string)tagged["value"]!;
        string actualType = TypeName(value.Kind);
        if (type != actualType)
        {
            differences.Add($"{path}: expected type {type}, got {actualType} {value}");
        }
        else if (!Matches(value, text))
        {
            differences.Add($"{path}: expected {type} \"{text}\", got \"{Render(value)}\"");
        }
    }

    private static bool Matches(TomlValue value, string expected) => value.Kind switch
    {
        TomlKind.String => value.GetString() == expected,
        TomlKind.Integer => long.TryParse(expected, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) && n == value.GetInteger(),
        TomlKind.Float => FloatsEqual(ParseExpectedFloat(expected), value.GetFloat()),
        TomlKind.Boolean => expected == (value.GetBoolean() ? "true" : "false"),
        _ => NormalizeDateTime(expected) == Render(value),
    };

    private static bool FloatsEqual(double expected, double actual) =>
        double.IsNaN(expected)
            ? double.IsNaN(actual)
            : expected == actual && double.IsNegative(expected) == double.IsNegative(actual);

    private static double ParseExpectedFloat(string text) => text switch
    {
        "inf" or "+inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" or "+nan" or "-nan" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>Our value in the normalized RFC 3339 form that <see cref="NormalizeDateTime"/> gives.</summary>
    private static string Render(TomlValue value)
    {
        switch (value.Kind)
        {
            case TomlKind.OffsetDateTime:
                DateTimeOffset offsetDateTime = value.GetOffsetDateTime();
                return RenderClock(offsetDateTime.DateTime) + RenderOffset(offsetDateTime.Offset);
            case TomlKind.LocalDateTime:
                return RenderClock(value.GetLocalDateTime());
            case TomlKind.LocalDate:
                return value.GetLocalDate().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case TomlKind.LocalTime:
                TimeOnly time = value.GetLocalTime();
                return time.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + RenderFraction(time.Ticks % TimeSpan.TicksPerSecond);
            case TomlKind.Float:
                return value.GetFloat().ToString("R", CultureInfo.InvariantCulture);
            default:
                return value.ToString();
        }
    }

    private static string RenderClock(DateTime clock) =>
        clock.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + RenderFraction(clock.Ticks % TimeSpan.TicksPerSecond);

    private static string RenderFraction(long ticks) =>
        ticks == 0 ? "" : "." + ticks.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');

    private static string RenderOffset(TimeSpan offset) =>
        offset == TimeSpan.Zero
            ? "Z"
            : (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString("hh\\:mm", CultureInfo.InvariantCulture);

    /// <summary>
    /// Upper-case T and Z, 'T' for a space separator, fraction truncated to 100 ns with trailing zeros
    /// dropped, and +00:00 / -00:00 written Z.
    /// </summary>
    internal static string NormalizeDateTime(string text)
    {
        string s = text.ToUpperInvariant();
        if (s.Length > 10 && s[10] == ' ')
        {
            s = string.Concat(s.AsSpan(0, 10), "T", s.AsSpan(11));
        }

        string offset = "";
        if (s.EndsWith('Z'))
        {
            offset = "Z";
            s = s[..^1];
        }
        else if (s.Length >= 6 && s[^6] is '+' or '-' && s[^3] == ':')
        {
            offset = s[^5..] == "00:00" ? "Z" : s[^6..];
            s = s[..^6];
        }

        int dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            string fraction = s[(dot + 1)..];
            fraction = (fraction.Length > 7 ? fraction[..7] : fraction).TrimEnd('0');
            s = fraction.Length == 0 ? s[..dot] : $"{s[..dot]}.{fraction}";
        }

        return s + offset;
    }

    private static bool IsTaggedScalar(JsonObject node) =>
        node.Count == 2 &&
        node["type"] is JsonValue type && type.TryGetValue(out string? _) &&
        node["value"] is JsonValue value && value.TryGetValue(out string? _);

    private static string TypeName(TomlKind kind) => kind switch
    {
        TomlKind.String => "string",
        TomlKind.Integer => "integer",
        TomlKind.Float => "float",
        TomlKind.Boolean => "bool",
        TomlKind.OffsetDateTime => "datetime",
        TomlKind.LocalDateTime => "datetime-local",
        TomlKind.LocalDate => "date-local",
        TomlKind.LocalTime => "time-local",
        _ => kind.ToString(),
    };

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        JsonObject o when IsTaggedScalar(o) => $"{(string)o["type"]!} \"{(string)o["value"]!}\"",
        JsonObject => "a table",
        _ => node.ToJsonString(),
    };
}
