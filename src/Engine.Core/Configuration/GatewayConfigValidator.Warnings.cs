namespace Engine.Core.Configuration;

/// <summary>
/// Warnings: what a config may legally say but probably does not mean. They never block a load or
/// a reload; <c>engine validate</c> prints them and <c>run</c> logs them once per load.
/// </summary>
public static partial class GatewayConfigValidator
{
    /// <summary>
    /// The warnings about <paramref name="config"/>, each <see cref="ConfigProblem.IsWarning"/>.
    /// Meant for a config that <see cref="Validate"/> accepts: beside errors they mostly repeat
    /// them (a router naming "api-servce" leaves "api-service" unused).
    /// </summary>
    public static IReadOnlyList<ConfigProblem> FindWarnings(GatewayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var warnings = new List<ConfigProblem>();
        FindUnusedServices(config, warnings);
        return warnings;
    }

    /// <summary>
    /// A service no router reaches, directly or through weighted services, never gets a request:
    /// usually a router's <c>service</c> was renamed or mistyped. A weighted child of weight 0
    /// counts as used: that is how a canary is kept configured but idle.
    /// </summary>
    private static void FindUnusedServices(GatewayConfig config, List<ConfigProblem> warnings)
    {
        var byName = new Dictionary<string, ServiceConfig>(StringComparer.Ordinal);
        foreach (ServiceConfig service in config.Services)
        {
            byName.TryAdd(service.Name, service);
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(config.Routers.Select(r => r.Service));
        while (pending.TryPop(out string? name))
        {
            if (used.Add(name) && byName.TryGetValue(name, out ServiceConfig? service))
            {
                foreach (WeightedServiceConfig child in service.Weighted ?? [])
                {
                    pending.Push(child.Service);
                }
            }
        }

        foreach (ServiceConfig service in byName.Values)
        {
            if (!used.Contains(service.Name))
            {
                warnings.Add(ConfigProblem.Warning(
                    $"services.{service.Name}",
                    "no router uses this service, directly or through a weighted service, so it never receives a request."));
            }
        }
    }
}
