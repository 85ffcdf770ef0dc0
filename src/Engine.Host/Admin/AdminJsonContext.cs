using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Engine.Core.Configuration;
using Engine.Core.LoadBalancing;

namespace Engine.Host.Admin;

/// <summary>
/// Source-generated JSON metadata for everything the admin API reads or writes: no reflection,
/// so the native-AOT binary serializes exactly what the JIT build does.
/// </summary>
/// <remarks>
/// <para>Property names are snake_case so that a key reads like its TOML counterpart
/// (<c>drain_timeout</c>, <c>max_request_body_size</c>); durations are strings ("30s"); enums are
/// snake_case strings; a middleware is one object with <c>name</c>, <c>type</c> and its type's
/// keys as the TOML file writes them (<see cref="MiddlewareConfigJsonConverter"/>).</para>
/// <para>Reading is strict, because a config that silently loses a misspelled key is worse than
/// one refused: unknown properties, nulls where the record has no null, and missing constructor
/// arguments (a router's <c>name</c>, <c>rule</c> and <c>service</c>) are errors. Comments and
/// trailing commas are allowed for hand-edited files.</para>
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    Converters =
    [
        typeof(DurationJsonConverter),
        typeof(ServiceConfigJsonConverter),
        typeof(MiddlewareConfigJsonConverter),
        typeof(SnakeCaseEnumConverter<GatewayState>),
        typeof(SnakeCaseEnumConverter<HashKeySource>),
        typeof(SnakeCaseEnumConverter<CookieSameSite>),
    ])]
[JsonSerializable(typeof(GatewayConfig))]
[JsonSerializable(typeof(ServiceConfigJson))]
[JsonSerializable(typeof(AdminHealth))]
[JsonSerializable(typeof(AdminRoutes))]
[JsonSerializable(typeof(AdminApplied))]
[JsonSerializable(typeof(AdminErrors))]
internal sealed partial class AdminJsonContext : JsonSerializerContext
{
    /// <summary>
    /// <see cref="JsonSerializerContext"/>'s generated settings, but escaping only what JSON
    /// requires: the default encoder writes ' &lt; &gt; ` as \u0027 and friends for safe embedding
    /// in HTML, which turns every rule (<c>PathPrefix(`/api`)</c>) and every error message into
    /// noise. Admin answers are application/json with no-store and never embedded in a page.
    /// </summary>
    public static AdminJsonContext Readable => ReadableHolder.Instance;

    // A nested holder, because the order of static initializers across the partial files of
    // this class is unspecified: Default (generated) might not exist yet when Readable is built.
    private static class ReadableHolder
    {
        public static readonly AdminJsonContext Instance = new(new JsonSerializerOptions(Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
