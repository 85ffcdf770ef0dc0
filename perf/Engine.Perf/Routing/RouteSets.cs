using Engine.Core.Routing;

namespace Engine.Perf.Routing;

public enum RouteMix
{
    /// <summary>Host + PathPrefix/Path routers (the common ingress shape) and a few host-agnostic ones.</summary>
    HostPath,

    /// <summary>
    /// Host routers whose path is a PathRegexp, with header/query regexes, plus HostRegexp routers:
    /// a third anchored literal hosts, a third one-label wildcards (both indexed by host), a third
    /// unanchored patterns that every request not matched earlier has to evaluate.
    /// </summary>
    RegexHeavy,
}

/// <summary>Synthetic route sets and the requests that hit them, shaped like real ingress configs.</summary>
internal static class RouteSets
{
    public static RouteDefinition<int>[] Build(RouteMix mix, int count)
    {
        var routes = new List<RouteDefinition<int>>(count);
        int hostAgnostic = Math.Max(2, count / 100);
        for (int i = 0; routes.Count < count - hostAgnostic; i++)
        {
            string host = $"svc{i}.example.com";
            if (mix == RouteMix.HostPath)
            {
                routes.Add(new($"r{i}-api", $"Host(`{host}`) && PathPrefix(`/api/v{i % 5}`)", null, routes.Count));
                if (routes.Count < count - hostAgnostic)
                {
                    routes.Add(new($"r{i}-health", $"Host(`{host}`) && Path(`/health`)", null, routes.Count));
                }
            }
            else
            {
                routes.Add(new($"r{i}-items", $"Host(`{host}`) && PathRegexp(`^/api/v[0-9]+/items/{i % 100}$`) && HeaderRegexp(`Accept`, `json`)", null, routes.Count));
                if (routes.Count < count - hostAgnostic)
                {
                    routes.Add(new($"r{i}-search", $"Host(`{host}`) && QueryRegexp(`q`, `^[a-z]+$`)", null, routes.Count));
                }
            }
        }

        for (int i = 0; routes.Count < count; i++)
        {
            string rule = mix == RouteMix.HostPath
                ? $"PathPrefix(`/static/{i}`)"
                : (i % 3) switch
                {
                    0 => $"HostRegexp(`^tenant{i}\\.apps\\.example\\.org$`)",
                    1 => $"HostRegexp(`^[a-z0-9-]+\\.tenant{i}\\.example\\.org$`)",
                    _ => $"HostRegexp(`tenant{i}-[a-z]+\\.apps\\.`)",
                };
            routes.Add(new($"z{i}-shared", rule, null, routes.Count));
        }

        return [.. routes];
    }

    /// <summary>Requests spread over the table: most hit a host route, some a shared route, a few nothing.</summary>
    public static BenchRequest[] Requests(RouteMix mix, int count, int requests)
    {
        var random = new Random(12345);
        var result = new BenchRequest[requests];
        int hosts = Math.Max(1, count / 2);
        for (int r = 0; r < requests; r++)
        {
            int i = random.Next(hosts);
            int kind = random.Next(10);
            result[r] = (mix, kind) switch
            {
                (_, 9) => new BenchRequest("unknown.example.net", "/nothing/here"),
                (RouteMix.HostPath, 8) => new BenchRequest("cdn.example.com:443", $"/static/{random.Next(Math.Max(2, count / 100))}/app.js"),
                (RouteMix.HostPath, _) => new BenchRequest($"svc{i}.example.com", $"/api/v{i % 5}/users/42", headers: ("Accept", "application/json")),
                (RouteMix.RegexHeavy, 8) => (random.Next(3), random.Next(Math.Max(2, count / 100))) switch
                {
                    (0, int t) => new BenchRequest($"tenant{t}.apps.example.org", "/"),
                    (1, int t) => new BenchRequest($"shop.tenant{t}.example.org", "/"),
                    (_, int t) => new BenchRequest($"tenant{t}-eu.apps.example.org", "/"),
                },
                (RouteMix.RegexHeavy, 7) => new BenchRequest($"svc{i}.example.com", "/search", query: "q=shoes"),
                _ => new BenchRequest($"svc{i}.example.com", $"/api/v2/items/{i % 100}", headers: ("Accept", "application/json")),
            };
        }

        return result;
    }
}
