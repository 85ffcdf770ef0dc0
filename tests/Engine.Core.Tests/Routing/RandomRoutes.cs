using System.Net;
using System.Text;
using Engine.Core.Routing;

namespace Engine.Core.Tests.Routing;

/// <summary>
/// Random rules and requests drawn from one small vocabulary, so that rules and requests
/// collide often: case and port variations of the same hosts, prefixes of the same paths,
/// the same header and query values with near misses.
/// </summary>
internal sealed class RandomRoutes(int seed)
{
    private static readonly string[] s_hosts = ["a.com", "b.com", "api.example.com", "www.example.com", "x.example.com", "example.com", "shop.test", "eu.shop.test", "[::1]", "10.0.0.1"];
    private static readonly string[] s_ruleHosts = ["a.com", "b.com", "api.example.com", "www.example.com", "example.com", "shop.test", "[::1]", "10.0.0.1", "*.example.com", "*.test", "*.shop.test", "*.a.com"];
    private static readonly string[] s_paths = ["/", "/api", "/api/v1", "/api/v1/users", "/api/v2", "/apix", "/health", "/static/a.png", "/static/b.jpg", "/admin", "/Admin", "/a%2Fb", "/caf%C3%A9", "/v1", "/v10", "/v2/items"];
    private static readonly string[] s_methods = ["GET", "POST", "PUT", "DELETE", "get"];
    private static readonly string[] s_headerNames = ["X-Env", "Content-Type", "X-Tenant"];
    private static readonly string[] s_headerValues = ["prod", "dev", "Prod", "application/json", "text/plain", "acme", "acme-eu", "élan"];
    private static readonly string[] s_queries = ["", "mobile=true", "mobile", "debug", "debug=", "v=12", "v=x", "q=a+b", "a=1&mobile=true", "mobile=tru%65", "bad=%zz&mobile=true", "x;y=1&debug", "v=%31%32", "tenant=acme&v=7"];
    private static readonly string[] s_addresses = ["10.1.2.3", "10.200.0.1", "192.168.1.5", "::1", "2001:db8::5", "2001:db9::1", "::ffff:10.9.9.9", "203.0.113.7"];
    private static readonly string[] s_networks = ["10.0.0.0/8", "10.1.0.0/16", "192.168.1.5", "::1", "2001:db8::/32", "10.1.2.3/32", "::ffff:10.9.9.0/120"];
    private static readonly string[] s_hostRegexes = ["^api\\.", "example\\.com$", "^[a-z]+\\.shop\\.test$", "^10\\.", "b", "^api\\.example\\.com$", "^[a-z0-9-]+\\.example\\.com$", "^[^.]+\\.test$", "^b\\.com$"];
    private static readonly string[] s_pathRegexes = ["\\.(png|jpg)$", "^/api/v[0-9]+", "^/v1", "users", "^/caf", "(?i)^/admin$"];
    private static readonly string[] s_valueRegexes = ["^prod$", "^application/", "acme", "^[0-9]+$", "^a b$", "é"];

    private readonly Random _random = new(seed);

    /// <summary>Random routes; with <paramref name="hostAnchored"/> every rule requires a host, so some requests match none.</summary>
    public RouteDefinition<string>[] Rules(int count, bool hostAnchored = false)
    {
        var routes = new RouteDefinition<string>[count];
        for (int i = 0; i < count; i++)
        {
            string name = $"r{_random.Next(100000):D5}-{i}";
            // Half default (rule length), half explicit over a range that overlaps rule lengths, with ties.
            int? priority = _random.Next(2) == 0 ? _random.Next(-2, 120) : null;
            string rule = hostAnchored ? $"Host(`{RuleHost()}`) && ({Rule()})" : Rule();
            if (rule.StartsWith('!'))
            {
                // Broad rules are fallbacks in real configs.
                priority = _random.Next(1, 4);
            }

            routes[i] = new RouteDefinition<string>(name, rule, priority, name);
        }

        return routes;
    }

    public RouteDefinition<string>[] TcpRules(int count)
    {
        var routes = new RouteDefinition<string>[count];
        for (int i = 0; i < count; i++)
        {
            string name = $"t{i:D3}";
            int? priority = _random.Next(2) == 0 ? _random.Next(1, 100) : null;
            string rule = _random.Next(3) == 0
                ? TcpExpression(2)
                : $"HostSNI(`{Pick(["db.example.com", "*.example.com", "cache.internal", "*.db.example.com", "example.com.", "db7.internal"])}`) && ({TcpExpression(1)})";
            routes[i] = new RouteDefinition<string>(name, rule, priority, name);
        }

        return routes;
    }

    public TestRequest Request()
    {
        string host = Pick(s_hosts);
        host = _random.Next(3) switch
        {
            0 => host.ToUpperInvariant(),
            1 => host,
            _ => MixCase(host),
        };
        if (_random.Next(4) == 0)
        {
            host += ":" + _random.Next(1, 65536);
        }
        else if (_random.Next(8) == 0)
        {
            host += ".";
        }
        else if (_random.Next(30) == 0)
        {
            host = "";
        }
        else if (_random.Next(40) == 0)
        {
            host += "\n";
        }

        string path = Pick(s_paths);
        if (_random.Next(3) == 0)
        {
            path += Pick(["/", "x", "/users", "/1", ".png"]);
        }

        var request = new TestRequest(host, path, Pick(s_methods), Pick(s_queries));
        int headers = _random.Next(4);
        for (int i = 0; i < headers; i++)
        {
            string name = Pick(s_headerNames);
            request.WithHeader(_random.Next(2) == 0 ? name.ToLowerInvariant() : name, Pick(s_headerValues));
        }

        if (_random.Next(10) == 0)
        {
            request.WithHeaderBytes("X-Env", [0xC3, 0x28, (byte)'p']);
        }

        if (_random.Next(10) != 0)
        {
            request.ClientAddress = IPAddress.Parse(Pick(s_addresses));
        }

        return request;
    }

    public TestConnection Connection()
    {
        string sni = _random.Next(5) == 0 ? "" : Pick(["db.example.com", "DB.example.com", "a.db.example.com", "cache.internal", "example.com", "db7.internal.", "db.example.com\n"]);
        string[] alpn = _random.Next(3) switch
        {
            0 => [],
            1 => ["h2", "http/1.1"],
            _ => ["postgresql"],
        };
        var connection = new TestConnection(sni, alpn);
        if (_random.Next(6) != 0)
        {
            connection.ClientAddress = IPAddress.Parse(Pick(s_addresses));
        }

        return connection;
    }

    private string Rule()
    {
        // Mostly the shapes real configs have (host and path first), then arbitrary trees.
        return _random.Next(6) switch
        {
            0 => $"Host(`{RuleHost()}`)",
            1 => $"Host(`{RuleHost()}`) && {PathMatcher()}",
            2 => $"Host(`{RuleHost()}`) && {PathMatcher()} && {Expression(1)}",
            3 => PathMatcher(),
            4 => Expression(2),
            _ => _random.Next(8) == 0 ? "!" + Parenthesised(1) : Expression(3),
        };
    }

    private string Expression(int depth)
    {
        if (depth == 0 || _random.Next(3) == 0)
        {
            return Leaf();
        }

        return _random.Next(8) switch
        {
            // A bare negation matches nearly everything and would win every request: negate
            // within a conjunction, as real rules do.
            0 => $"{Parenthesised(depth - 1)} && !{Parenthesised(depth - 1)}",
            1 or 2 or 3 or 4 => $"{Parenthesised(depth - 1)} && {Parenthesised(depth - 1)}",
            _ => $"{Parenthesised(depth - 1)} || {Parenthesised(depth - 1)}",
        };
    }

    private string Parenthesised(int depth)
    {
        string inner = Expression(depth);
        return inner.Contains(' ', StringComparison.Ordinal) ? $"({inner})" : inner;
    }

    private string Leaf() => _random.Next(13) switch
    {
        0 or 1 => $"Host(`{RuleHost()}`)",
        2 or 3 => PathMatcher(),
        4 => $"HostRegexp(`{Pick(s_hostRegexes)}`)",
        5 => $"PathRegexp(`{Pick(s_pathRegexes)}`)",
        6 => $"Method(`{Pick(s_methods)}`)",
        7 => $"{Pick(["Header", "Headers"])}(`{Pick(s_headerNames)}`, `{Pick(s_headerValues)}`)",
        8 => $"HeaderRegexp(`{Pick(s_headerNames)}`, `{Pick(s_valueRegexes)}`)",
        9 => _random.Next(2) == 0 ? $"Query(`{Pick(["mobile", "debug", "v", "q", "tenant"])}`)" : $"Query(`{Pick(["mobile", "v", "q", "tenant"])}`, `{Pick(["true", "12", "a b", "acme", "7"])}`)",
        10 => $"QueryRegexp(`{Pick(["v", "q", "tenant"])}`, `{Pick(s_valueRegexes)}`)",
        11 => $"ClientIP(`{Pick(s_networks)}`)",
        _ => $"HostHeader(`{RuleHost()}`)",
    };

    private string PathMatcher()
    {
        string path = Pick(s_paths);
        if (path.Length > 2 && _random.Next(4) == 0)
        {
            path = path[..(2 + _random.Next(path.Length - 2))];
        }

        // PathPrefix(`/`) would make a catch-all; a few come from elsewhere (negations, wide networks).
        return _random.Next(3) == 0 || path == "/" ? $"Path(`{path}`)" : $"PathPrefix(`{path}`)";
    }

    private string RuleHost()
    {
        string host = Pick(s_ruleHosts);
        if (_random.Next(4) == 0)
        {
            host = MixCase(host);
        }

        return _random.Next(10) == 0 && !host.EndsWith(']') ? host + "." : host;
    }

    private string TcpExpression(int depth)
    {
        if (depth == 0 || _random.Next(2) == 0)
        {
            return _random.Next(6) switch
            {
                0 => _random.Next(3) == 0 ? "HostSNI(`*`)" : $"HostSNI(`{Pick(["a.db.example.com", "db7.internal"])}`)",
                1 or 2 => $"HostSNI(`{Pick(["db.example.com", "*.example.com", "cache.internal", "*.db.example.com", "example.com."])}`)",
                3 => $"HostSNIRegexp(`{Pick(["^db[0-9]*\\.", "internal\\.?$", "^$", "^db\\.example\\.com$", "^[a-z0-9]+\\.internal$"])}`)",
                4 => $"ALPN(`{Pick(["h2", "http/1.1", "postgresql"])}`)",
                _ => $"ClientIP(`{Pick(s_networks)}`)",
            };
        }

        return _random.Next(6) switch
        {
            0 => $"({TcpExpression(depth - 1)}) && !({TcpExpression(depth - 1)})",
            1 or 2 or 3 => $"({TcpExpression(depth - 1)}) && ({TcpExpression(depth - 1)})",
            _ => $"({TcpExpression(depth - 1)}) || ({TcpExpression(depth - 1)})",
        };
    }

    private string MixCase(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            builder.Append(_random.Next(2) == 0 ? char.ToUpperInvariant(c) : c);
        }

        return builder.ToString();
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
