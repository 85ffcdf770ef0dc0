using System.Net;
using Engine.Core.Routing;

namespace Engine.Fuzz.Routing;

/// <summary>
/// The requests and connections a parsed rule is matched against: a fixed set with the odd
/// shapes a router meets (port, brackets, trailing dot, upper case, empty fields, no address),
/// and one built from the rule's own values, so that most rules match something and the
/// compiled table's fast paths (exact host, wildcard, path index) are taken, not only its misses.
/// </summary>
internal static class RuleProbes
{
    public static IReadOnlyList<FuzzRequest> FixedRequests { get; } =
    [
        new("GET", "example.com", "/", "", IPAddress.Parse("10.0.0.1")),
        new("POST", "API.Example.com:8443", "/api/v1/users", "id=1&debug&page=2&x=%20", IPAddress.Parse("2001:db8::1"),
            ("X-Tenant", "blue"), ("Content-Type", "application/json"), ("User-Agent", "curl/8.5.0"), ("X-Tenant", " green ")),
        new("get", "[::1]:80", "/%2e%2e/a//b", "a;b&c=&=d&%zz", null, ("accept", "text/html")),
        new("", "", "", "", IPAddress.IPv6Loopback),
        new("DELETE", "a.b.example.com.", "/x/y", "flag", IPAddress.Parse("::ffff:192.168.1.7"), ("X-Q", "say \"hi\"")),
    ];

    public static IReadOnlyList<FuzzConnection> FixedConnections { get; } =
    [
        new("example.com", IPAddress.Parse("10.0.0.1"), "h2", "http/1.1"),
        new("", null),
        new("A.Example.COM.", IPAddress.Parse("2001:db8::1"), "x"),
        new("db.example", IPAddress.Parse("10.1.2.3"), ""),
    ];

    /// <summary>A request that carries the first value of each matcher kind in the rule.</summary>
    public static FuzzRequest RequestFor(RuleExpression rule)
    {
        var matchers = new List<RuleMatcher>();
        Collect(rule, matchers);
        string host = "fuzz.example";
        string? path = null;
        string method = "GET";
        IPAddress? client = null;
        var query = new List<string>();
        var headers = new List<(string, string)>();
        foreach (RuleMatcher matcher in matchers)
        {
            switch (matcher.Kind)
            {
                case MatcherKind.Host when host == "fuzz.example":
                    host = matcher.IsWildcard ? "w" + matcher.Value[1..] : matcher.Value.Contains(':', StringComparison.Ordinal) ? $"[{matcher.Value}]" : matcher.Value;
                    break;
                case MatcherKind.Path or MatcherKind.PathPrefix:
                    path ??= matcher.Value;
                    break;
                case MatcherKind.Method:
                    method = matcher.Value;
                    break;
                case MatcherKind.Header when matcher.Key is not null:
                    headers.Add((matcher.Key, matcher.Value));
                    break;
                case MatcherKind.Query when matcher.Key is not null:
                    query.Add(matcher.Arguments.Count == 2 ? $"{matcher.Key}={matcher.Value}" : matcher.Key);
                    break;
                case MatcherKind.ClientIP:
                    client ??= AddressOf(matcher.Value);
                    break;
            }
        }

        return new FuzzRequest(method, host, path ?? "/", string.Join('&', query), client, [.. headers]);
    }

    /// <summary>A connection that carries the first server name, ALPN protocol and address in the rule.</summary>
    public static FuzzConnection ConnectionFor(RuleExpression rule)
    {
        var matchers = new List<RuleMatcher>();
        Collect(rule, matchers);
        string serverName = "";
        IPAddress? client = null;
        var alpn = new List<string>();
        foreach (RuleMatcher matcher in matchers)
        {
            switch (matcher.Kind)
            {
                case MatcherKind.HostSNI when serverName.Length == 0 && matcher.Value != "*":
                    serverName = matcher.IsWildcard ? "w" + matcher.Value[1..] : matcher.Value;
                    break;
                case MatcherKind.Alpn:
                    alpn.Add(matcher.Value);
                    break;
                case MatcherKind.ClientIP:
                    client ??= AddressOf(matcher.Value);
                    break;
            }
        }

        return new FuzzConnection(serverName, client, [.. alpn]);
    }

    private static IPAddress? AddressOf(string network)
    {
        int slash = network.IndexOf('/', StringComparison.Ordinal);
        return IPAddress.TryParse(slash < 0 ? network : network[..slash], out IPAddress? address) ? address : null;
    }

    // Depth is bounded by RuleParserOptions.MaxNestingDepth, so the recursion is too.
    private static void Collect(RuleExpression expression, List<RuleMatcher> matchers)
    {
        switch (expression)
        {
            case RuleMatcher matcher:
                matchers.Add(matcher);
                break;
            case RuleNot not:
                Collect(not.Operand, matchers);
                break;
            case RuleAnd and:
                foreach (RuleExpression term in and.Terms)
                {
                    Collect(term, matchers);
                }

                break;
            case RuleOr or:
                foreach (RuleExpression term in or.Terms)
                {
                    Collect(term, matchers);
                }

                break;
        }
    }
}
