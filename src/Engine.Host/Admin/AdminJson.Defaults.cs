using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Engine.Core.Configuration;
using Engine.Core.LoadBalancing;

namespace Engine.Host.Admin;

/// <summary>
/// Gives members that a JSON document leaves out the value the record's own initializer gives
/// them, which the source generator alone does not.
/// </summary>
/// <remarks>
/// <para>The System.Text.Json source generator cannot call an init-only setter after
/// construction, so it sets every init-only property inside one object initializer, and a
/// property absent from the JSON gets <c>default</c> (null limits, a zero drain timeout, weight 0)
/// instead of the record's own default. Rather than mirror every config record in a mutable
/// twin, the reader fills the gaps at the JSON level first: each object in the document is
/// completed with the members of a default instance of its record, serialized once, so the
/// generated constructor delegate then sees every member.</para>
/// <para>The documents are read twice: once as sent, strictly, so that an error points at the
/// user's own line and byte; then, completed, to build the config.</para>
/// </remarks>
public static partial class AdminJson
{
    /// <summary>
    /// A default instance of every record a <see cref="GatewayConfig"/> reaches that has init-only
    /// members. Required constructor arguments are empty strings here; they are never copied, because
    /// the strict first read refuses a document without them.
    /// </summary>
    internal static readonly FrozenDictionary<Type, object> DefaultInstances = new Dictionary<Type, object>
    {
        [typeof(GatewayConfig)] = new GatewayConfig(),
        [typeof(EntrypointConfig)] = new EntrypointConfig("", ""),
        [typeof(HttpLimitsConfig)] = HttpLimitsConfig.Default,
        [typeof(DownstreamTimeoutsConfig)] = DownstreamTimeoutsConfig.Default,
        [typeof(AdminConfig)] = new AdminConfig(),
        [typeof(AccessLogConfig)] = new AccessLogConfig(),
        [typeof(LogConfig)] = new LogConfig(),
        [typeof(FileProviderConfig)] = new FileProviderConfig(),
        [typeof(RouterConfig)] = new RouterConfig("", "", ""),
        [typeof(ServiceConfigJson)] = new ServiceConfigJson(""),
        [typeof(DestinationConfig)] = new DestinationConfig(""),
        [typeof(UpstreamPoolConfig)] = UpstreamPoolConfig.Default,
        [typeof(LoadBalancingConfig)] = LoadBalancingConfig.Default,
        [typeof(StickySessionConfig)] = new StickySessionConfig(""),
        [typeof(HashKeyConfig)] = new HashKeyConfig(HashKeySource.ClientAddress),
        [typeof(WeightedServiceConfig)] = new WeightedServiceConfig(""),
    }.ToFrozenDictionary();

    private static readonly JsonSerializerOptions s_options = AdminJsonContext.Readable.Options;

    private static readonly FrozenDictionary<Type, JsonObject> s_defaultObjects =
        DefaultInstances.ToFrozenDictionary(pair => pair.Key, pair => JsonSerializer.SerializeToNode(pair.Value, s_options.GetTypeInfo(pair.Key))!.AsObject());

    private static readonly JsonNodeOptions s_nodeOptions = new() { PropertyNameCaseInsensitive = false };

    private static readonly JsonDocumentOptions s_documentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The second read: the document with every absent member filled in, then deserialized.</summary>
    private static GatewayConfig ReadCompleted(ReadOnlySpan<byte> json)
    {
        JsonNode root = JsonNode.Parse(json, s_nodeOptions, s_documentOptions)!;
        Complete(root, AdminJsonContext.Readable.GatewayConfig);
        return root.Deserialize(AdminJsonContext.Readable.GatewayConfig)!;
    }

    /// <summary>Completes <paramref name="node"/>, whose contract is <paramref name="typeInfo"/>, and everything under it.</summary>
    internal static void Complete(JsonNode? node, JsonTypeInfo typeInfo)
    {
        // ServiceConfig is read through its mirror type (ServiceConfigJsonConverter), so it is
        // completed as one.
        if (typeInfo.Type == typeof(ServiceConfig))
        {
            typeInfo = s_options.GetTypeInfo(typeof(ServiceConfigJson));
        }

        switch (node)
        {
            case JsonObject obj when typeInfo.Kind == JsonTypeInfoKind.Object:
                if (!s_defaultObjects.TryGetValue(typeInfo.Type, out JsonObject? defaults))
                {
                    throw new InvalidOperationException($"{typeInfo.Type} has no entry in AdminJson.DefaultInstances; add one so that its absent members get their defaults.");
                }
                foreach (JsonPropertyInfo property in typeInfo.Properties)
                {
                    if (obj.TryGetPropertyValue(property.Name, out JsonNode? value))
                    {
                        Complete(value, s_options.GetTypeInfo(property.PropertyType));
                    }
                    else
                    {
                        obj[property.Name] = defaults[property.Name]?.DeepClone();
                    }
                }
                break;
            case JsonArray array when typeInfo is { Kind: JsonTypeInfoKind.Enumerable, ElementType: Type elementType }:
                JsonTypeInfo elementInfo = s_options.GetTypeInfo(elementType);
                foreach (JsonNode? element in array)
                {
                    Complete(element, elementInfo);
                }
                break;
        }
    }
}
