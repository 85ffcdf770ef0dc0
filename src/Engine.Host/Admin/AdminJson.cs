using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Engine.Core.Configuration;

namespace Engine.Host.Admin;

/// <summary>Reading configs from and writing answers to admin API bodies, all through <see cref="AdminJsonContext"/>.</summary>
public static partial class AdminJson
{
    /// <summary>What <c>GET /api/gateway/config</c> shows instead of a secret.</summary>
    public const string Redacted = "***redacted***";

    /// <summary>Serializes with the admin API's settings, plus a final newline so that curl output ends cleanly.</summary>
    internal static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        Array.Resize(ref json, json.Length + 1);
        json[^1] = (byte)'\n';
        return json;
    }

    /// <summary>The config as the admin API writes it (secrets not redacted: see <see cref="Redact"/>).</summary>
    public static string SerializeConfig(GatewayConfig config) => JsonSerializer.Serialize(config, AdminJsonContext.Readable.GatewayConfig);

    /// <summary>
    /// Reads a <see cref="GatewayConfig"/> from UTF-8 JSON. On failure <paramref name="error"/> says
    /// where (1-based line and byte in that line, and the JSON path) and what.
    /// </summary>
    public static bool TryReadConfig(ReadOnlySpan<byte> json, [NotNullWhen(true)] out GatewayConfig? config, [NotNullWhen(false)] out string? error)
    {
        config = null;
        try
        {
            // First read, as sent: every error here points into the caller's own text. Its
            // result is discarded because absent members came out as default(T) (see
            // AdminJson.Defaults.cs).
            if (JsonSerializer.Deserialize(json, AdminJsonContext.Readable.GatewayConfig) == null)
            {
                error = "the body must be a JSON object (a gateway config), not null.";
                return false;
            }
            if (FindDuplicateKey(json) is string duplicate)
            {
                error = duplicate;
                return false;
            }
            config = ReadCompleted(json);
        }
        catch (JsonException ex)
        {
            error = Describe(ex);
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>A copy with every secret replaced by <see cref="Redacted"/> (today: the admin token).</summary>
    public static GatewayConfig Redact(GatewayConfig config) =>
        config.Admin is { Token: not null } admin ? config with { Admin = admin with { Token = Redacted } } : config;

    /// <summary>
    /// The inverse for a config sent back after editing the output of <c>GET</c>: a token that is
    /// still <see cref="Redacted"/> means "keep the current one", not a new token with that text.
    /// </summary>
    public static GatewayConfig RestoreSecrets(GatewayConfig incoming, GatewayConfig current) =>
        incoming.Admin is { Token: Redacted } admin ? incoming with { Admin = admin with { Token = current.Admin?.Token } } : incoming;

    /// <summary>"line 3, byte 17 ($.services[0].pool.idle_timeout): 'soon' is not a duration; ...".</summary>
    internal static string Describe(JsonException ex)
    {
        string path = ex.Path ?? "$";
        if (ex.Data[ServiceConfigJsonConverter.RelativePathKey] is string below)
        {
            path += below;
        }
        string where = ex.LineNumber is long line
            ? string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, byte {ex.BytePositionInLine + 1 ?? 1} ({path})")
            : path;
        return $"{where}: {Rephrase(StripLocation(ex.Message))}";
    }

    /// <summary>
    /// The first key that appears twice in one object, located like <see cref="Describe"/>. The
    /// serializer would silently keep the last value; a config edited by hand more likely holds a
    /// stale copy than a deliberate override, so it is refused.
    /// </summary>
    private static string? FindDuplicateKey(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var open = new Stack<HashSet<string>>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    open.Push(new HashSet<string>(StringComparer.Ordinal));
                    break;
                case JsonTokenType.EndObject:
                    open.Pop();
                    break;
                case JsonTokenType.PropertyName when !open.Peek().Add(reader.GetString()!):
                    ReadOnlySpan<byte> before = json[..(int)reader.TokenStartIndex];
                    int line = before.Count((byte)'\n') + 1;
                    int column = before.Length - (before.LastIndexOf((byte)'\n') + 1) + 1;
                    return string.Create(CultureInfo.InvariantCulture, $"line {line}, byte {column}: the key '{reader.GetString()}' appears twice in one object.");
            }
        }
        return null;
    }

    /// <summary>Drops the " Path: ... | LineNumber: ..." tail System.Text.Json appends, since <see cref="Describe"/> says where in its own words.</summary>
    internal static string StripLocation(string message)
    {
        int tail = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (tail < 0)
        {
            tail = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }
        return tail < 0 ? message : message[..tail];
    }
}
