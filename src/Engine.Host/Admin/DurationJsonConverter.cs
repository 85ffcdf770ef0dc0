using System.Text.Json;
using System.Text.Json.Serialization;
using Engine.Host.Configuration;

namespace Engine.Host.Admin;

/// <summary>
/// A <see cref="TimeSpan"/> as the TOML file writes it: a string in the one duration grammar of
/// <see cref="DurationParser"/> ("30s", "1m30s", "500ms", "1.5s", "2h", "1d", "infinite",
/// "00:00:30"), or a JSON integer as seconds. Writes <see cref="DurationParser.Format"/>, the
/// shortest exact form, so reading what was written gives back the same number of ticks.
/// </summary>
internal sealed class DurationJsonConverter : JsonConverter<TimeSpan>
{
    private static readonly long s_maxSeconds = (long)TimeSpan.MaxValue.TotalSeconds;

    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt64(out long seconds):
                return seconds <= s_maxSeconds && seconds >= -s_maxSeconds
                    ? TimeSpan.FromSeconds(seconds)
                    : throw new JsonException($"{seconds} seconds is too long a duration.");
            case JsonTokenType.Number:
                throw new JsonException("a number here is a whole number of seconds; write a fraction as a string such as \"1.5s\" or \"1500ms\".");
            case JsonTokenType.String:
                string text = reader.GetString()!;
                return DurationParser.TryParse(text, out TimeSpan value, out string? error)
                    ? value
                    : throw new JsonException(error + ".");
            default:
                throw new JsonException($"expected {DurationParser.Expected}, found {Describe(reader.TokenType)}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) => writer.WriteStringValue(DurationParser.Format(value));

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => token.ToString(),
    };
}
