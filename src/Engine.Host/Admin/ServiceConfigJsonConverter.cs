using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Engine.Core.Configuration;
using Engine.Core.LoadBalancing;

namespace Engine.Host.Admin;

/// <summary>
/// Reads and writes <see cref="ServiceConfig"/> through <see cref="ServiceConfigJson"/>.
/// </summary>
/// <remarks>
/// <see cref="ServiceConfig"/> has two public constructors (the positional one and a name-only
/// one for weighted services) and a record's primary constructor cannot carry
/// <c>[JsonConstructor]</c>, so System.Text.Json would find no constructor to deserialize with.
/// A mirror type with one constructor keeps the config record untouched and makes
/// <c>destinations</c> optional, which a weighted service wants.
/// </remarks>
internal sealed class ServiceConfigJsonConverter : JsonConverter<ServiceConfig>
{
    /// <summary>Key in <see cref="Exception.Data"/> under which a nested error keeps its path below the service.</summary>
    public const string RelativePathKey = "engine.admin.relative_path";

    public override ServiceConfig Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var typeInfo = (JsonTypeInfo<ServiceConfigJson>)options.GetTypeInfo(typeof(ServiceConfigJson));
        ServiceConfigJson json;
        try
        {
            json = JsonSerializer.Deserialize(ref reader, typeInfo) ?? throw new JsonException("a service must be an object, not null.");
        }
        catch (JsonException ex)
        {
            // The nested call starts a new path at "$"; throwing without a path lets the outer
            // serializer stamp the service's own path ("$.services[1]"), and the part below it
            // travels in Data so that AdminJson can join the two.
            var rethrown = new JsonException(AdminJson.StripLocation(ex.Message), null, ex.LineNumber, ex.BytePositionInLine, ex.InnerException);
            rethrown.Data[RelativePathKey] = ex.Path is { Length: > 1 } path ? path[1..] : "";
            throw rethrown;
        }
        return new ServiceConfig(json.Name, json.Destinations ?? [])
        {
            LoadBalancing = json.LoadBalancing,
            Weighted = json.Weighted,
            Pool = json.Pool,
        };
    }

    public override void Write(Utf8JsonWriter writer, ServiceConfig value, JsonSerializerOptions options)
    {
        var typeInfo = (JsonTypeInfo<ServiceConfigJson>)options.GetTypeInfo(typeof(ServiceConfigJson));
        JsonSerializer.Serialize(writer, new ServiceConfigJson(value.Name, value.Destinations)
        {
            LoadBalancing = value.LoadBalancing,
            Weighted = value.Weighted,
            Pool = value.Pool,
        }, typeInfo);
    }
}

/// <summary>The JSON shape of <see cref="ServiceConfig"/>: the same members, one constructor.</summary>
internal sealed record ServiceConfigJson(string Name, IReadOnlyList<DestinationConfig>? Destinations = null)
{
    public LoadBalancingConfig LoadBalancing { get; init; } = LoadBalancingConfig.Default;

    public IReadOnlyList<WeightedServiceConfig>? Weighted { get; init; }

    public UpstreamPoolConfig Pool { get; init; } = UpstreamPoolConfig.Default;
}

/// <summary>An enum as its snake_case name ("client_address"), matching the TOML spelling; numbers are refused.</summary>
internal sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;
