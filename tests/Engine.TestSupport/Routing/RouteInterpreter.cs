using Engine.Core.Routing;

namespace Engine.TestSupport.Routing;

/// <summary>Builds the reference interpreters; see <see cref="RouteInterpreter{T}"/>.</summary>
public static class RouteInterpreter
{
    /// <summary>Parses and ranks <paramref name="routes"/>; throws <see cref="RouteTableException"/> listing every invalid route.</summary>
    public static RouteInterpreter<T> Create<T>(IEnumerable<RouteDefinition<T>> routes, RuleParserOptions? options = null)
        => new(RouteOrder.ParseAndRank(routes, RuleKind.Http, options));

    public static TcpRouteInterpreter<T> CreateTcp<T>(IEnumerable<RouteDefinition<T>> routes, RuleParserOptions? options = null)
        => new(RouteOrder.ParseAndRank(routes, RuleKind.Tcp, options));
}

/// <summary>
/// The reference semantics: evaluates every parsed rule directly, in rank order, and returns the
/// first that matches. Slow and allocating on purpose (it turns the request into strings and
/// byte arrays and re-reads it per matcher): it is the oracle the compiled
/// <see cref="RouteTable{T}"/> is tested against, and shares none of its matching code.
/// </summary>
public sealed class RouteInterpreter<T>
{
    private readonly ParsedRoute<T>[] _routes;

    internal RouteInterpreter(ParsedRoute<T>[] routes) => _routes = routes;

    /// <summary>Router names in evaluation order.</summary>
    public IReadOnlyList<string> Order => Array.ConvertAll(_routes, r => r.Name);

    public bool TryMatch(IRouteInput input, out T target, out string? routeName)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = InterpretedRequest.From(input);
        foreach (ParsedRoute<T> route in _routes)
        {
            if (RuleEvaluator.Evaluate(route.Expression, request))
            {
                target = route.Target;
                routeName = route.Name;
                return true;
            }
        }

        target = default!;
        routeName = null;
        return false;
    }

    public bool TryMatch(IRouteInput input, out T target) => TryMatch(input, out target, out _);
}

/// <summary>The TCP counterpart of <see cref="RouteInterpreter{T}"/>.</summary>
public sealed class TcpRouteInterpreter<T>
{
    private readonly ParsedRoute<T>[] _routes;

    internal TcpRouteInterpreter(ParsedRoute<T>[] routes) => _routes = routes;

    public bool TryMatch(ITcpRouteInput input, out T target)
    {
        ArgumentNullException.ThrowIfNull(input);
        var connection = InterpretedConnection.From(input);
        foreach (ParsedRoute<T> route in _routes)
        {
            if (RuleEvaluator.Evaluate(route.Expression, connection))
            {
                target = route.Target;
                return true;
            }
        }

        target = default!;
        return false;
    }
}
