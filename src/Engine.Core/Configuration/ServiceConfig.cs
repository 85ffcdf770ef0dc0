using Engine.Core.LoadBalancing;

namespace Engine.Core.Configuration;

/// <summary>
/// A named target for routers. Either a load balancer over <see cref="Destinations"/> (servers,
/// with a balancing policy and connection pooling), or a weighted service over other services
/// (<see cref="Weighted"/>, for canaries and blue/green). Exactly one of the two is set.
/// </summary>
public sealed record ServiceConfig(string Name, IReadOnlyList<DestinationConfig> Destinations)
{
    /// <summary>A service with no servers of its own: set <see cref="Weighted"/>.</summary>
    public ServiceConfig(string name) : this(name, [])
    {
    }

    /// <summary>Policy, hash key and sticky sessions of a load-balancer service.</summary>
    public LoadBalancingConfig LoadBalancing { get; init; } = LoadBalancingConfig.Default;

    /// <summary>Child services and their weights; null for a load-balancer service.</summary>
    public IReadOnlyList<WeightedServiceConfig>? Weighted { get; init; }

    public UpstreamPoolConfig Pool { get; init; } = UpstreamPoolConfig.Default;
}

/// <summary>One child of a weighted service: a service name and its share (0 keeps it configured but idle).</summary>
public sealed record WeightedServiceConfig(string Service, int Weight = 1);

/// <summary>One upstream server: <c>http://host:port</c> or <c>host:port</c>.</summary>
public sealed record DestinationConfig(string Address)
{
    public int Weight { get; init; } = 1;
}

/// <summary>Keep-alive pooling and timeouts for connections to each destination of a service.</summary>
public sealed record UpstreamPoolConfig
{
    /// <summary>Most open connections per destination (busy + idle); 0 for no limit.</summary>
    public int MaxConnections { get; init; }

    /// <summary>Most idle connections kept per destination.</summary>
    public int MaxIdleConnections { get; init; } = 256;

    /// <summary>An idle pooled connection older than this is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>From the request head being sent to the response head arriving; past it: 504.</summary>
    public TimeSpan ResponseHeaderTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public static UpstreamPoolConfig Default { get; } = new();
}
