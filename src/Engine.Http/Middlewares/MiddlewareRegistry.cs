using System.Collections.Frozen;
using Engine.Core.Configuration;

namespace Engine.Http.Middlewares;

/// <summary>
/// Builds a compiled <see cref="Middleware"/> from its config, reading the type's keys through
/// <paramref name="options"/>; null when a key was wrong (the reader holds the problems).
/// </summary>
internal delegate Middleware? MiddlewareFactory(MiddlewareConfig config, MiddlewareOptionsReader options);

/// <summary>
/// The middleware types by their config name (<c>type = "headers"</c>), resolved once through a
/// <see cref="FrozenDictionary{TKey, TValue}"/> when a snapshot compiles, as the balancing
/// policies are. Each type is one file: its keys, their checks and its phases.
/// </summary>
public sealed class MiddlewareRegistry
{
    private readonly FrozenDictionary<string, MiddlewareFactory> _factories;

    private MiddlewareRegistry(FrozenDictionary<string, MiddlewareFactory> factories) => _factories = factories;

    /// <summary>The built-in types.</summary>
    public static MiddlewareRegistry Default { get; } = new(new Dictionary<string, MiddlewareFactory>(StringComparer.Ordinal)
    {
        [HeadersMiddleware.TypeName] = HeadersMiddleware.Create,
        [StripPrefixMiddleware.TypeName] = StripPrefixMiddleware.Create,
        [AddPrefixMiddleware.TypeName] = AddPrefixMiddleware.Create,
    }.ToFrozenDictionary(StringComparer.Ordinal));

    /// <summary>Registered type names, sorted, for messages and docs.</summary>
    public IReadOnlyList<string> TypeNames => [.. _factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// Every problem with the types and keys of <paramref name="config"/>'s middlewares, keyed
    /// <c>middlewares.NAME.key</c>. References from routers and entrypoints are the validator's.
    /// </summary>
    public IReadOnlyList<ConfigProblem> Validate(GatewayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<ConfigProblem>();
        foreach (MiddlewareConfig middleware in config.Middlewares)
        {
            Compile(middleware, problems);
        }
        return problems;
    }

    /// <summary>Compiles one middleware; null (with problems added) when its type or keys are wrong.</summary>
    internal Middleware? Compile(MiddlewareConfig config, List<ConfigProblem> problems)
    {
        if (!_factories.TryGetValue(config.Type, out MiddlewareFactory? factory))
        {
            string message = config.Type.Length == 0
                ? $"a middleware needs a type; known types: {string.Join(", ", TypeNames)}."
                : $"unknown middleware type '{config.Type}'{NameSuggestions.Ending(config.Type, _factories.Keys)}" +
                  (NameSuggestions.Closest(config.Type, _factories.Keys) is null ? $" Known types: {string.Join(", ", TypeNames)}." : "");
            problems.Add(new ConfigProblem($"middlewares.{config.Name}.type", message));
            return null;
        }

        var reader = new MiddlewareOptionsReader(config, problems);
        Middleware? middleware = factory(config, reader);
        reader.ReportUnknownKeys();
        return reader.HasProblems ? null : middleware;
    }
}
