namespace Engine.Core.Configuration;

/// <summary>
/// A named middleware as configured (<c>[middlewares.NAME]</c> with <c>type = "..."</c> and that
/// type's keys, as seed 000 and Traefik spell them). Routers name middlewares in their
/// <see cref="RouterConfig.Middlewares"/>; entrypoints name defaults that run before every
/// router's own chain. The type's keys stay plain values here (<see cref="Options"/>): the type
/// that owns them reads and validates them when the snapshot compiles, so a new middleware type
/// is one file behind the registry, not a change to every config layer.
/// </summary>
/// <param name="Type">The registered type name (<c>headers</c>, <c>strip-prefix</c>, ...).</param>
public sealed record MiddlewareConfig(string Name, string Type)
{
    /// <summary>
    /// The type's keys in the file's spelling (<c>request_headers</c>, <c>prefixes</c>). Values are
    /// <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>,
    /// <see cref="IReadOnlyList{T}"/> of values, or <see cref="IReadOnlyDictionary{TKey, TValue}"/>
    /// from string to value; a TOML file and the admin JSON both bind to these.
    /// </summary>
    public IReadOnlyDictionary<string, object> Options { get; init; } = EmptyOptions;

    /// <summary>No keys beyond <c>type</c>.</summary>
    public static IReadOnlyDictionary<string, object> EmptyOptions { get; } = new Dictionary<string, object>(StringComparer.Ordinal);
}
