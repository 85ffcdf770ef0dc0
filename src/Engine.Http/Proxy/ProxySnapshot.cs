using System.Collections.Frozen;
using System.Net;
using Engine.Core.Configuration;
using Engine.Core.LoadBalancing;
using Engine.Core.Timing;
using Engine.Core.Transport;

namespace Engine.Http.Proxy;

/// <summary>
/// The compiled, immutable form of a <see cref="GatewayConfig"/> that the data path reads: a
/// route table per entrypoint and the services with their destination pools. A request reads
/// the current snapshot once and finishes on it.
/// </summary>
public sealed class ProxySnapshot : IDisposable
{
    private readonly FrozenDictionary<string, HostPathRouteTable> _routesByEntrypoint;
    private readonly HostPathRouteTable _empty = new([]);
    private readonly Heartbeat _heartbeat;
    private readonly ServiceModel[] _services;

    private ProxySnapshot(GatewayConfig config, FrozenDictionary<string, HostPathRouteTable> routes, ServiceModel[] services, Heartbeat heartbeat)
    {
        Config = config;
        _routesByEntrypoint = routes;
        _services = services;
        _heartbeat = heartbeat;
        foreach (ServiceModel service in services)
        {
            foreach (UpstreamPool pool in service.Pools)
            {
                heartbeat.Register(pool);
            }
        }
    }

    public GatewayConfig Config { get; }

    /// <summary>Destinations by service, for health views and tests.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<DestinationState>> Destinations =>
        _services.ToDictionary(s => s.Name, s => (IReadOnlyList<DestinationState>)[.. s.Pools.ToArray().Select(p => p.Destination)]);

    internal HostPathRouteTable RoutesFor(string entrypoint) =>
        _routesByEntrypoint.TryGetValue(entrypoint, out HostPathRouteTable? table) ? table : _empty;

    /// <summary>Validates <paramref name="config"/> and compiles it; every problem is reported at once.</summary>
    public static ProxySnapshot Build(GatewayConfig config, SocketConnectionFactory connector, Heartbeat heartbeat)
    {
        var errors = new List<string>();
        var entrypointNames = new HashSet<string>(StringComparer.Ordinal);
        var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (EntrypointConfig entrypoint in config.Entrypoints)
        {
            if (!entrypointNames.Add(entrypoint.Name))
            {
                errors.Add($"entrypoints.{entrypoint.Name}: defined twice.");
            }
            if (!EndpointParser.TryParseListenAddress(entrypoint.Address, out EndPoint? endPoint, out string? error))
            {
                errors.Add($"entrypoints.{entrypoint.Name}.address: {error}");
            }
            else if (endPoint is IPEndPoint { Port: > 0 } && !addresses.TryAdd(endPoint.ToString()!, entrypoint.Name))
            {
                errors.Add($"entrypoints.{entrypoint.Name}.address: {entrypoint.Address} is already used by entrypoint '{addresses[endPoint.ToString()!]}'.");
            }
        }

        var services = new Dictionary<string, ServiceModel>(StringComparer.Ordinal);
        foreach (ServiceConfig service in config.Services)
        {
            if (services.ContainsKey(service.Name))
            {
                errors.Add($"services.{service.Name}: defined twice.");
                continue;
            }
            if (service.Destinations.Count == 0)
            {
                errors.Add($"services.{service.Name}: has no destinations.");
                continue;
            }
            var pools = new List<UpstreamPool>();
            foreach (DestinationConfig destination in service.Destinations)
            {
                if (!EndpointParser.TryParseDestination(destination.Address, out EndPoint? endPoint, out string? error))
                {
                    errors.Add($"services.{service.Name}.destinations: {error}");
                    continue;
                }
                if (destination.Weight <= 0)
                {
                    errors.Add($"services.{service.Name}.destinations: weight of '{destination.Address}' must be positive.");
                    continue;
                }
                var state = new DestinationState(destination.Address, endPoint, destination.Weight);
                pools.Add(new UpstreamPool(state, connector, service.Pool, heartbeat, maxResponseHeaders: 256));
            }
            services[service.Name] = new ServiceModel(service.Name, [.. pools]);
        }

        var tables = new Dictionary<string, HostPathRouteTable>(StringComparer.Ordinal);
        var routeNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (string entrypoint in entrypointNames)
        {
            var routes = new List<(string?, string, ServiceModel)>();
            foreach (RouteConfig route in config.Routes)
            {
                if (route.Entrypoints.Count > 0 && !route.Entrypoints.Contains(entrypoint))
                {
                    continue;
                }
                if (services.TryGetValue(route.Service, out ServiceModel? service))
                {
                    routes.Add((route.Host, route.PathPrefix, service));
                }
            }
            tables[entrypoint] = new HostPathRouteTable(routes);
        }
        foreach (RouteConfig route in config.Routes)
        {
            if (!routeNames.Add(route.Name))
            {
                errors.Add($"routes.{route.Name}: defined twice.");
            }
            if (!services.ContainsKey(route.Service) && config.Services.All(s => s.Name != route.Service))
            {
                errors.Add($"routes.{route.Name}.service: no service named '{route.Service}'.");
            }
            if (!route.PathPrefix.StartsWith('/'))
            {
                errors.Add($"routes.{route.Name}.path_prefix: '{route.PathPrefix}' must start with '/'.");
            }
            foreach (string entrypoint in route.Entrypoints)
            {
                if (!entrypointNames.Contains(entrypoint))
                {
                    errors.Add($"routes.{route.Name}.entrypoints: no entrypoint named '{entrypoint}'.");
                }
            }
        }

        if (errors.Count > 0)
        {
            foreach (ServiceModel service in services.Values)
            {
                foreach (UpstreamPool pool in service.Pools)
                {
                    pool.Dispose();
                }
            }
            throw new GatewayConfigException(errors);
        }
        return new ProxySnapshot(config, tables.ToFrozenDictionary(StringComparer.Ordinal), [.. services.Values], heartbeat);
    }

    /// <summary>Closes idle upstream connections; leased ones close when their exchange ends.</summary>
    public void Dispose()
    {
        foreach (ServiceModel service in _services)
        {
            foreach (UpstreamPool pool in service.Pools)
            {
                _heartbeat.Unregister(pool);
                pool.Dispose();
            }
        }
    }
}

/// <summary>A configuration that cannot run, with every problem found.</summary>
public sealed class GatewayConfigException : Exception
{
    public GatewayConfigException(IReadOnlyList<string> errors)
        : base("Invalid gateway configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
    {
        Errors = errors;
    }

    public GatewayConfigException() => Errors = [];

    public GatewayConfigException(string message) : base(message) => Errors = [message];

    public GatewayConfigException(string message, Exception innerException) : base(message, innerException) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }
}
