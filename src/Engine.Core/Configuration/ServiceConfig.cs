namespace Engine.Core.Configuration;

/// <summary>A named set of upstream destinations and how connections to them are pooled.</summary>
public sealed record ServiceConfig(string Name, IReadOnlyList<DestinationConfig> Destinations)
{
    public UpstreamPoolConfig Pool { get; init; } = UpstreamPoolConfig.Default;
}

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
