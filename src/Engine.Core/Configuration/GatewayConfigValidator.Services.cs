using System.Net;
using Engine.Core.LoadBalancing;

namespace Engine.Core.Configuration;

/// <summary>Services: load balancers (servers, strategy, pool) and weighted services (children, cycles).</summary>
public static partial class GatewayConfigValidator
{
    private static HashSet<string> ValidateServices(GatewayConfig config, List<ConfigProblem> problems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ServiceConfig service in config.Services)
        {
            if (!names.Add(service.Name))
            {
                problems.Add(new($"services.{service.Name}", "defined twice."));
            }
        }

        foreach (ServiceConfig service in config.Services)
        {
            string key = $"services.{service.Name}";
            if (service.Weighted is { } children)
            {
                if (service.Destinations.Count > 0)
                {
                    problems.Add(new(key, "has both load_balancer servers and weighted services; a service is one or the other."));
                }

                ValidateWeighted(service, children, names, problems);
            }
            else
            {
                ValidateLoadBalancer(service, problems);
            }
        }

        FindWeightedCycles(config, problems);
        return names;
    }

    private static void ValidateLoadBalancer(ServiceConfig service, List<ConfigProblem> problems)
    {
        string key = $"services.{service.Name}.load_balancer";
        if (service.Destinations.Count == 0)
        {
            problems.Add(new($"{key}.servers", "a load-balancer service needs at least one server."));
            return;
        }

        var states = new List<DestinationState>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < service.Destinations.Count; i++)
        {
            DestinationConfig destination = service.Destinations[i];
            string serverKey = $"{key}.servers[{i}]";
            if (!EndpointParser.TryParseDestination(destination.Address, out EndPoint? endPoint, out string? error))
            {
                problems.Add(new($"{serverKey}.url", error));
                continue;
            }

            if (!seen.Add(destination.Address))
            {
                problems.Add(new($"{serverKey}.url", $"'{destination.Address}' is listed twice in this service."));
                continue;
            }

            if (destination.Weight <= 0)
            {
                problems.Add(new($"{serverKey}.weight", $"must be positive, not {destination.Weight}."));
                continue;
            }

            states.Add(new DestinationState(destination.Address, endPoint, destination.Weight));
        }

        // The policy itself is the judge of its settings (unknown name, Maglev size, hash key,
        // cookie name): building a throwaway table asks it exactly what the real build will.
        if (!LoadBalancingPolicies.TryGet(service.LoadBalancing.Policy, out _))
        {
            problems.Add(new($"{key}.strategy", $"unknown strategy '{service.LoadBalancing.Policy}'; known: {string.Join(", ", LoadBalancingPolicies.BuiltIn.Names.Order(StringComparer.Ordinal))}{NameSuggestions.Ending(service.LoadBalancing.Policy, LoadBalancingPolicies.BuiltIn.Names)}"));
        }
        else if (states.Count == service.Destinations.Count)
        {
            try
            {
                DestinationTable.Create(service.LoadBalancing, states);
            }
            catch (ArgumentException ex)
            {
                problems.Add(new(key, ex.Message.Split(" (Parameter")[0]));
            }
        }

        UpstreamPoolConfig pool = service.Pool;
        if (pool.MaxConnections < 0)
        {
            problems.Add(new($"{key}.pool.max_connections", "must not be negative (0 means no limit)."));
        }

        if (pool.MaxIdleConnections < 0)
        {
            problems.Add(new($"{key}.pool.max_idle_connections", "must not be negative."));
        }

        Positive(pool.IdleTimeout, $"{key}.pool.idle_timeout", problems);
        Positive(pool.ConnectTimeout, $"{key}.pool.connect_timeout", problems);
        Positive(pool.ResponseHeaderTimeout, $"{key}.pool.response_header_timeout", problems);
    }

    private static void ValidateWeighted(ServiceConfig service, IReadOnlyList<WeightedServiceConfig> children, HashSet<string> services, List<ConfigProblem> problems)
    {
        string key = $"services.{service.Name}.weighted.services";
        if (children.Count == 0)
        {
            problems.Add(new(key, "a weighted service needs at least one service."));
            return;
        }

        bool anyServing = false;
        for (int i = 0; i < children.Count; i++)
        {
            WeightedServiceConfig child = children[i];
            if (!services.Contains(child.Service))
            {
                problems.Add(new($"{key}[{i}].name", $"no service named '{child.Service}'{NameSuggestions.Ending(child.Service, services)}"));
            }

            if (child.Weight < 0)
            {
                problems.Add(new($"{key}[{i}].weight", $"must not be negative, not {child.Weight}."));
            }

            anyServing |= child.Weight > 0;
        }

        if (!anyServing)
        {
            problems.Add(new(key, "every weight is 0: the service could never answer."));
        }
    }

    private static void FindWeightedCycles(GatewayConfig config, List<ConfigProblem> problems)
    {
        var byName = new Dictionary<string, ServiceConfig>(StringComparer.Ordinal);
        foreach (ServiceConfig service in config.Services)
        {
            byName.TryAdd(service.Name, service);
        }

        // 0 unvisited, 1 on the current path, 2 done: a child seen on the path closes a cycle.
        var marks = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (ServiceConfig service in config.Services)
        {
            Visit(service.Name);
        }

        void Visit(string name)
        {
            if (marks.GetValueOrDefault(name) == 2 || !byName.TryGetValue(name, out ServiceConfig? service))
            {
                return;
            }

            if (marks.GetValueOrDefault(name) == 1)
            {
                int start = path.IndexOf(name);
                problems.Add(new($"services.{name}.weighted.services", $"weighted services form a cycle: {string.Join(" -> ", path.Skip(start))} -> {name}."));
                return;
            }

            marks[name] = 1;
            path.Add(name);
            foreach (WeightedServiceConfig child in service.Weighted ?? [])
            {
                Visit(child.Service);
            }

            path.RemoveAt(path.Count - 1);
            marks[name] = 2;
        }
    }
}
