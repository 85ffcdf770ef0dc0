using System.Text;

namespace Engine.Core.Routing;

/// <summary>A route after parsing, with its place in the evaluation order (<see cref="Rank"/> 0 is tried first).</summary>
internal sealed record ParsedRoute<T>(string Name, string Rule, RuleExpression Expression, int Priority, int Rank, T Target);

/// <summary>
/// The one order every matcher follows: priority descending, then router name ordinal
/// ascending. Traefik leaves equal priorities in provider order (and sort.Sort is not stable);
/// the name makes the order total, so a reload with the same routes matches the same way.
/// </summary>
internal static class RouteOrder
{
    public static int EffectivePriority(string rule, int? priority)
        => priority is int explicitPriority && explicitPriority != 0 ? explicitPriority : Encoding.UTF8.GetByteCount(rule);

    /// <summary>Parses every route (collecting every error), then ranks them.</summary>
    public static ParsedRoute<T>[] ParseAndRank<T>(IEnumerable<RouteDefinition<T>> routes, RuleKind kind, RuleParserOptions? options)
        => ParseAndRank(routes, kind, options, new Dictionary<string, DeferredRegex>(StringComparer.Ordinal));

    /// <summary>As above, collecting every distinct regex of the routes into <paramref name="regexCache"/>.</summary>
    public static ParsedRoute<T>[] ParseAndRank<T>(IEnumerable<RouteDefinition<T>> routes, RuleKind kind, RuleParserOptions? options, Dictionary<string, DeferredRegex> regexCache)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var errors = new List<RouteError>();
        var parsed = new List<Pending<T>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (RouteDefinition<T> route in routes)
        {
            if (string.IsNullOrEmpty(route.Name))
            {
                errors.Add(new RouteError(route.Name ?? "", "a router has no name", null));
                continue;
            }

            if (!names.Add(route.Name))
            {
                errors.Add(new RouteError(route.Name, $"router '{route.Name}': the name is used twice", null));
                continue;
            }

            if (route.Rule is null)
            {
                errors.Add(new RouteError(route.Name, $"router '{route.Name}': no rule", null));
                continue;
            }

            try
            {
                RuleExpression expression = RuleParser.Parse(route.Rule, kind, options, regexCache);
                parsed.Add(new Pending<T>(route, expression, EffectivePriority(route.Rule, route.Priority)));
            }
            catch (RuleSyntaxException e)
            {
                errors.Add(new RouteError(route.Name, $"router '{route.Name}': {e.Message}", e));
            }
        }

        if (errors.Count > 0)
        {
            throw new RouteTableException(errors);
        }

        // Sorting references, not the definitions: a swap moves one pointer.
        parsed.Sort(static (a, b) => a.Priority != b.Priority
            ? b.Priority.CompareTo(a.Priority)
            : string.CompareOrdinal(a.Route.Name, b.Route.Name));
        var ranked = new ParsedRoute<T>[parsed.Count];
        for (int i = 0; i < ranked.Length; i++)
        {
            Pending<T> entry = parsed[i];
            ranked[i] = new ParsedRoute<T>(entry.Route.Name, entry.Route.Rule, entry.Expression, entry.Priority, i, entry.Route.Target);
        }

        return ranked;
    }

    private sealed record Pending<T>(RouteDefinition<T> Route, RuleExpression Expression, int Priority);
}
