namespace Engine.Core.Routing;

/// <summary>
/// One router as configured: a unique name, its rule, an optional explicit priority and what a
/// match leads to. <paramref name="Priority"/> null or 0 means the default, the rule's length
/// in UTF-8 bytes (Traefik's len(rule); its config cannot tell 0 from unset, and the seed's
/// discovery documents write <c>"priority": 0</c> meaning "default").
/// </summary>
public readonly record struct RouteDefinition<T>(string Name, string Rule, int? Priority, T Target);

/// <summary>A route rejected while building a table: which router, and why.</summary>
public sealed record RouteError(string RouteName, string Message, RuleSyntaxException? Syntax);

/// <summary>A route set that cannot be compiled; <see cref="Errors"/> lists every bad route, not just the first.</summary>
public sealed class RouteTableException : Exception
{
    public RouteTableException(IReadOnlyList<RouteError> errors)
        : base(errors.Count == 1 ? errors[0].Message : $"{errors.Count} invalid routes: {string.Join(" | ", errors.Select(e => e.Message))}")
        => Errors = errors;

    public IReadOnlyList<RouteError> Errors { get; }
}
