namespace Engine.Core.Configuration;

/// <summary>
/// The declarative model of a gateway: where it listens, how requests are routed, and where they
/// go. TOML files, the admin API and providers all produce one; an embedding program can build
/// one in code. It is plain data: <c>Gateway</c> validates and compiles it into a runtime snapshot.
/// </summary>
public sealed record GatewayConfig
{
    public IReadOnlyList<EntrypointConfig> Entrypoints { get; init; } = [];

    public IReadOnlyList<RouteConfig> Routes { get; init; } = [];

    public IReadOnlyList<ServiceConfig> Services { get; init; } = [];

    /// <summary>How long a stop waits for in-flight requests before closing what is left.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>A listening address and the limits and timeouts its downstream connections get.</summary>
public sealed record EntrypointConfig(string Name, string Address)
{
    public HttpLimitsConfig Limits { get; init; } = HttpLimitsConfig.Default;

    public DownstreamTimeoutsConfig Timeouts { get; init; } = DownstreamTimeoutsConfig.Default;
}

/// <summary>Size limits on downstream requests; each is enforced with its own status (414/431/413).</summary>
public sealed record HttpLimitsConfig
{
    public int MaxRequestLineSize { get; init; } = 8 * 1024;

    public int MaxRequestHeadSize { get; init; } = 32 * 1024;

    public int MaxRequestHeaderCount { get; init; } = 100;

    /// <summary>Largest request body in bytes; null for no limit.</summary>
    public long? MaxRequestBodySize { get; init; }

    /// <summary>Largest upstream response head; a bigger one is a 502.</summary>
    public int MaxResponseHeadSize { get; init; } = 64 * 1024;

    public static HttpLimitsConfig Default { get; } = new();
}

/// <summary>Timeouts on the downstream side of an entrypoint.</summary>
public sealed record DownstreamTimeoutsConfig
{
    /// <summary>From the first byte of a request head to its last.</summary>
    public TimeSpan RequestHeaderTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an idle keep-alive connection waits for its next request.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(75);

    /// <summary>Longest pause in a body transfer, in either direction, before the exchange is aborted.</summary>
    public TimeSpan BodyIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public static DownstreamTimeoutsConfig Default { get; } = new();
}
