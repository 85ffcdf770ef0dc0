using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Engine.Core.Configuration;

namespace Engine.Host.Admin;

/// <summary>
/// Reads and writes <see cref="MiddlewareConfig"/> as the TOML table reads, flattened into one
/// object: <c>{"name": "h", "type": "headers", "request_headers": {"X-Env": "prod"}}</c>.
/// </summary>
/// <remarks>
/// <para>A middleware's keys belong to its type, so they cannot be a generated contract: this
/// converter takes <c>name</c> and <c>type</c> (both required strings) and every other member as
/// a plain option value, exactly as the TOML binder does: strings, integers as <see cref="long"/>,
/// other numbers as <see cref="double"/>, booleans, arrays as lists and objects as tables in
/// written order (header order matters). The middleware registry then judges the keys, when
/// the config is applied, with the same messages a file gets. <c>null</c> is refused, as
/// everywhere in the admin JSON. Hand-written: no reflection, so trimming and native AOT keep it.</para>
/// <para>Nothing is redacted: no built-in type has a secret key yet.</para>
/// </remarks>
internal sealed class MiddlewareConfigJsonConverter : JsonConverter<MiddlewareConfig>
{
    /// <summary>Deep enough for any real option, shallow enough that a hostile body cannot exhaust the stack.</summary>
    private const int MaxDepth = 16;

    public override MiddlewareConfig Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"a middleware must be an object ({{\"name\": ..., \"type\": ..., and its type's keys}}), found {Describe(reader.TokenType)}.");
        }

        string? name = null;
        string? type = null;
        var values = new OrderedDictionary<string, object>(StringComparer.Ordinal);
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            string key = reader.GetString()!;
            Next(ref reader);
            switch (key)
            {
                case "name":
                    name = RequireString(ref reader, ".name");
                    break;
                case "type":
                    type = RequireString(ref reader, ".type");
                    break;
                default:
                    // A key given twice keeps the last here; AdminJson refuses the document for it anyway.
                    values[key] = ReadValue(ref reader, $".{key}", depth: 1);
                    break;
            }
        }

        if (name is null || type is null)
        {
            throw new JsonException($"a middleware needs \"name\" and \"type\"; missing: {(name is null ? type is null ? "\"name\" and \"type\"" : "\"name\"" : "\"type\"")}.");
        }

        return new MiddlewareConfig(name, type) { Options = values };
    }

    public override void Write(Utf8JsonWriter writer, MiddlewareConfig value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("name", value.Name);
        writer.WriteString("type", value.Type);
        foreach ((string key, object option) in value.Options)
        {
            writer.WritePropertyName(key);
            WriteValue(writer, option);
        }

        writer.WriteEndObject();
    }

    private static object ReadValue(ref Utf8JsonReader reader, string path, int depth)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString()!;
            case JsonTokenType.True or JsonTokenType.False:
                return reader.GetBoolean();
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out long integer))
                {
                    return integer;
                }

                return reader.TryGetDouble(out double number) && double.IsFinite(number)
                    ? number
                    : throw Located($"{NumberText(ref reader)} is out of range for a number.", path);
            case JsonTokenType.StartArray:
                CheckDepth(depth, path);
                var items = new List<object>();
                while (true)
                {
                    Next(ref reader);
                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        return items;
                    }

                    items.Add(ReadValue(ref reader, $"{path}[{items.Count}]", depth + 1));
                }
            case JsonTokenType.StartObject:
                CheckDepth(depth, path);
                var table = new OrderedDictionary<string, object>(StringComparer.Ordinal);
                while (true)
                {
                    Next(ref reader);
                    if (reader.TokenType == JsonTokenType.EndObject)
                    {
                        return table;
                    }

                    string key = reader.GetString()!;
                    Next(ref reader);
                    table[key] = ReadValue(ref reader, $"{path}.{key}", depth + 1);
                }
            case JsonTokenType.Null:
                throw Located("null is not a value here; leave the key out instead.", path);
            default:
                throw Located($"unexpected {Describe(reader.TokenType)}.", path);
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case long integer:
                writer.WriteNumberValue(integer);
                break;
            case int integer:
                writer.WriteNumberValue(integer);
                break;
            case double number when double.IsFinite(number):
                writer.WriteNumberValue(number);
                break;
            case double number:
                // TOML has inf and nan, JSON has not; no type reads them, so text keeps GET working.
                writer.WriteStringValue(double.IsNaN(number) ? "nan" : number > 0 ? "inf" : "-inf");
                break;
            case IReadOnlyDictionary<string, object> table:
                writer.WriteStartObject();
                foreach ((string key, object item) in table)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, item);
                }

                writer.WriteEndObject();
                break;
            case IReadOnlyList<object> list:
                writer.WriteStartArray();
                foreach (object item in list)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string RequireString(ref Utf8JsonReader reader, string path) =>
        reader.TokenType == JsonTokenType.String
            ? reader.GetString()!
            : throw Located($"expected a string, found {Describe(reader.TokenType)}.", path);

    private static void Next(ref Utf8JsonReader reader)
    {
        // The serializer hands a converter the whole object buffered, so this never runs dry.
        if (!reader.Read())
        {
            throw new JsonException("the middleware object ends early.");
        }
    }

    private static void CheckDepth(int depth, string path)
    {
        if (depth > MaxDepth)
        {
            throw Located($"nested deeper than {MaxDepth} levels.", path);
        }
    }

    /// <summary>An error below the middleware, whose path the outer serializer does not know (see <see cref="AdminJson.Describe"/>).</summary>
    private static JsonException Located(string message, string relativePath)
    {
        var ex = new JsonException(message);
        ex.Data[ServiceConfigJsonConverter.RelativePathKey] = relativePath;
        return ex;
    }

    private static string NumberText(ref Utf8JsonReader reader) =>
        System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
