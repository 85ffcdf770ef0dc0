using Engine.Core.LoadBalancing;

namespace Engine.Http.Proxy;

/// <summary>
/// A compiled service: its balancing table (a policy over destinations, or weights over other
/// services) and, for a load-balancer service, the pools of its own destinations.
/// </summary>
internal sealed class ServiceModel(string name, ServiceTable table, UpstreamPool[] pools, RequestMetrics metrics)
{
    public string Name { get; } = name;

    public RequestMetrics Metrics { get; } = metrics;

    public ServiceTable Table { get; } = table;

    /// <summary>This service's own destinations' pools; empty for a weighted service.</summary>
    public ReadOnlySpan<UpstreamPool> Pools => pools;
}

/// <summary>
/// What a router leads to once compiled for one entrypoint: its name (for logs and metrics), its
/// service, and its middleware chain (the entrypoint's defaults, then the router's own).
/// </summary>
internal sealed class RouteModel(string name, ServiceModel service, RequestMetrics metrics, Middlewares.Middleware[] middlewares)
{
    public string Name { get; } = name;

    /// <summary>Run in order on the way in and in reverse on the way out; empty costs one length check.</summary>
    public Middlewares.Middleware[] Middlewares { get; } = middlewares;

    public RequestMetrics Metrics { get; } = metrics;

    public ServiceModel Service { get; } = service;
}

/// <summary>
/// A destination as the proxy knows it: the balancing state plus the keep-alive pool that
/// reaches it, so that a pick leads to its pool with one type test and no lookup.
/// </summary>
internal sealed class UpstreamDestination(string name, System.Net.EndPoint endPoint, int weight)
    : DestinationState(name, endPoint, weight)
{
    public UpstreamPool Pool { get; set; } = null!;
}
