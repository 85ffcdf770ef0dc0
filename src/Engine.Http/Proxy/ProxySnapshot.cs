using System.Collections.Frozen;
using System.Net;
using Engine.Core.Configuration;
using Engine.Core.LoadBalancing;
using Engine.Core.Routing;
using Engine.Core.Timing;
using Engine.Core.Transport;
using Engine.Http.Middlewares;

namespace Engine.Http.Proxy;

/// <summary>
/// The compiled, immutable form of a <see cref="GatewayConfig"/> that the data path reads: a
/// compiled route table per entrypoint, and the services with their balancing tables and
/// destination pools. A request reads the current snapshot once and finishes on it.
/// </summary>
/// <remarks>
/// Pools outlive snapshots: a rebuild reuses the pool (and so the live connections, health flag
/// and in-flight counters) of every destination whose service, address, weight and pool settings
/// did not change; <see cref="Retire"/> closes only what the next snapshot dropped.
/// </remarks>
public sealed partial class ProxySnapshot : IDisposable
{
    private static readonly RouteTable<RouteModel> s_noRoutes = RouteTable.Compile<RouteModel>([]);

    private readonly FrozenDictionary<string, RouteTable<RouteModel>> _routesByEntrypoint;
    private readonly Heartbeat _heartbeat;
    private readonly ServiceModel[] _services;
    private readonly FrozenDictionary<PoolKey, UpstreamPool> _pools;

    private ProxySnapshot(GatewayConfig config, FrozenDictionary<string, RouteTable<RouteModel>> routes, ServiceModel[] services, FrozenDictionary<PoolKey, UpstreamPool> pools, Heartbeat heartbeat)
    {
        Config = config;
        _routesByEntrypoint = routes;
        _services = services;
        _pools = pools;
        _heartbeat = heartbeat;
    }

    public GatewayConfig Config { get; }

    /// <summary>Destinations by service (a load-balancer service's own servers), for health views and tests.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<DestinationState>> Destinations =>
        _services.ToDictionary(s => s.Name, s => (IReadOnlyList<DestinationState>)[.. s.Pools.ToArray().Select(p => p.Destination)]);

    /// <summary>Router names of an entrypoint in evaluation order (highest priority first).</summary>
    public IReadOnlyList<string> RouterOrder(string entrypoint) => RoutesFor(entrypoint).Order;

    /// <summary>A text dump of an entrypoint's compiled route table, for the admin API.</summary>
    public string DescribeRoutes(string entrypoint) => RoutesFor(entrypoint).Describe();

    /// <summary>
    /// Builds every rule regex the compile only validated (see <see cref="RouteTable{T}.PrepareRegexes"/>);
    /// run off the request path once the snapshot serves. Returns how many it built.
    /// </summary>
    public int PrepareRegexes()
    {
        int built = 0;
        foreach (RouteTable<RouteModel> table in _routesByEntrypoint.Values)
        {
            built += table.PrepareRegexes();
        }
        return built;
    }

    internal RouteTable<RouteModel> RoutesFor(string entrypoint) =>
        _routesByEntrypoint.TryGetValue(entrypoint, out RouteTable<RouteModel>? table) ? table : s_noRoutes;

    /// <summary>
    /// Validates <paramref name="config"/> and compiles it; every problem is reported at once in a
    /// <see cref="GatewayConfigException"/>. Pools of <paramref name="previous"/> whose destination
    /// is unchanged are carried over rather than reopened.
    /// </summary>
    public static ProxySnapshot Build(GatewayConfig config, SocketConnectionFactory connector, Heartbeat heartbeat, ProxyMetrics metrics, ProxySnapshot? previous = null)
    {
        // :: Step 0: the whole config judged at once (the validator and each middleware type's
        // own checks), then middlewares compiled once each; a router's chain (step 4) is the
        // entrypoint's defaults, then its own, as one array per (entrypoint, router).
        var problems = new List<ConfigProblem>(GatewayConfigValidator.Validate(config));
        Dictionary<string, Middleware> middlewares = CompileMiddlewares(config, metrics, problems);
        if (problems.Count > 0)
        {
            throw new GatewayConfigException(problems);
        }

        // :: Step 1: pools, one per (service, destination), reused from the previous snapshot when unchanged.
        var pools = new Dictionary<PoolKey, UpstreamPool>();
        var created = new List<UpstreamPool>();
        var leafTables = new Dictionary<string, ServiceModel>(StringComparer.Ordinal);
        try
        {
            foreach (ServiceConfig service in config.Services)
            {
                if (service.Weighted is not null)
                {
                    continue;
                }

                var servicePools = new UpstreamPool[service.Destinations.Count];
                for (int i = 0; i < servicePools.Length; i++)
                {
                    DestinationConfig destination = service.Destinations[i];
                    var key = new PoolKey(service.Name, destination.Address, destination.Weight, service.Pool);
                    if (previous is null || !previous._pools.TryGetValue(key, out UpstreamPool? pool))
                    {
                        EndPoint endPoint = EndpointParser.TryParseDestination(destination.Address, out EndPoint? parsed, out _)
                            ? parsed : throw new InvalidOperationException("validated address did not parse");
                        var state = new UpstreamDestination(destination.Address, endPoint, destination.Weight);
                        pool = new UpstreamPool(state, connector, service.Pool, heartbeat, maxResponseHeaders: 256);
                        state.Pool = pool;
                        created.Add(pool);
                    }

                    pools[key] = pool;
                    servicePools[i] = pool;
                }

                DestinationTable table = DestinationTable.Create(service.LoadBalancing, servicePools.Select(p => p.Destination));
                leafTables[service.Name] = new ServiceModel(service.Name, table, servicePools, metrics.ForService(service.Name));
            }

            // :: Step 2: weighted services over the others (the validator ruled out cycles).
            var byName = config.Services.ToDictionary(s => s.Name, StringComparer.Ordinal);
            var models = new Dictionary<string, ServiceModel>(leafTables, StringComparer.Ordinal);
            foreach (ServiceConfig service in config.Services)
            {
                Resolve(service.Name, byName, models, metrics);
            }

            // :: Step 4: one compiled route table per entrypoint, over the routers that serve it.
            var tables = new Dictionary<string, RouteTable<RouteModel>>(StringComparer.Ordinal);
            var chains = new Dictionary<string, Middleware[]>(StringComparer.Ordinal);
            foreach (EntrypointConfig entrypoint in config.Entrypoints)
            {
                var definitions = new List<RouteDefinition<RouteModel>>();
                foreach (RouterConfig router in config.Routers)
                {
                    if (router.Entrypoints.Count > 0 && !router.Entrypoints.Contains(entrypoint.Name))
                    {
                        continue;
                    }
                    Middleware[] chain = [.. entrypoint.Middlewares.Concat(router.Middlewares).Select(name => middlewares[name])];
                    // Routers with the same chain share one array (the common case: none).
                    string chainKey = string.Join('\n', entrypoint.Middlewares.Concat(router.Middlewares));
                    if (!chains.TryGetValue(chainKey, out Middleware[]? shared))
                    {
                        chains[chainKey] = shared = chain;
                    }
                    var model = new RouteModel(router.Name, models[router.Service], metrics.ForRouter(router.Name, router.Service), shared);
                    definitions.Add(new RouteDefinition<RouteModel>(router.Name, router.Rule, router.Priority, model));
                }
                tables[entrypoint.Name] = RouteTable.Compile(definitions);
            }

            foreach (UpstreamPool pool in created)
            {
                heartbeat.Register(pool);
            }

            return new ProxySnapshot(config, tables.ToFrozenDictionary(StringComparer.Ordinal), [.. models.Values], pools.ToFrozenDictionary(), heartbeat);
        }
        catch (Exception ex) when (ex is RouteTableException or ArgumentException)
        {
            // The validator asks the same questions first, so this is a disagreement between it and
            // the compilers; still a configuration error, never a crash.
            foreach (UpstreamPool pool in created)
            {
                pool.Dispose();
            }

            throw new GatewayConfigException([new ConfigProblem("", ex.Message)]);
        }
    }

    private static Dictionary<string, Middleware> CompileMiddlewares(GatewayConfig config, ProxyMetrics metrics, List<ConfigProblem> problems)
    {
        var compiled = new Dictionary<string, Middleware>(StringComparer.Ordinal);
        foreach (MiddlewareConfig middleware in config.Middlewares)
        {
            if (MiddlewareRegistry.Default.Compile(middleware, problems) is { } built)
            {
                built.Metrics = metrics.ForMiddleware(middleware.Name, middleware.Type);
                compiled[middleware.Name] = built;
            }
        }
        return compiled;
    }

    private static ServiceModel Resolve(string name, Dictionary<string, ServiceConfig> byName, Dictionary<string, ServiceModel> models, ProxyMetrics metrics)
    {
        if (models.TryGetValue(name, out ServiceModel? model))
        {
            return model;
        }

        ServiceConfig service = byName[name];
        var children = new List<WeightedService>();
        foreach (WeightedServiceConfig child in service.Weighted!)
        {
            children.Add(new WeightedService(Resolve(child.Service, byName, models, metrics).Table, child.Weight));
        }

        model = new ServiceModel(name, new WeightedServiceTable(children), [], metrics.ForService(name));
        models[name] = model;
        return model;
    }

    /// <summary>
    /// Called on the snapshot that <paramref name="next"/> replaced: closes the idle connections of
    /// pools the next snapshot no longer uses. Leased connections close when their exchange ends.
    /// </summary>
    public void Retire(ProxySnapshot next)
    {
        foreach (KeyValuePair<PoolKey, UpstreamPool> entry in _pools)
        {
            if (!next._pools.TryGetValue(entry.Key, out UpstreamPool? kept) || !ReferenceEquals(kept, entry.Value))
            {
                _heartbeat.Unregister(entry.Value);
                entry.Value.Dispose();
            }
        }
    }

    /// <summary>Closes every pool's idle connections; leased ones close when their exchange ends.</summary>
    public void Dispose()
    {
        foreach (UpstreamPool pool in _pools.Values)
        {
            _heartbeat.Unregister(pool);
            pool.Dispose();
        }
    }

    private readonly record struct PoolKey(string Service, string Address, int Weight, UpstreamPoolConfig Pool);
}
