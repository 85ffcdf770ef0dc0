namespace Engine.Core.Configuration;

/// <summary>
/// The declarative model of a gateway: where it listens, how requests are routed, and where they
/// go. TOML files, the admin API and providers all produce one; an embedding program can build
/// one in code. It is plain data: <c>Gateway</c> validates and compiles it into a runtime snapshot.
/// </summary>
public sealed record GatewayConfig
{
    public IReadOnlyList<EntrypointConfig> Entrypoints { get; init; } = [];

    public IReadOnlyList<RouterConfig> Routers { get; init; } = [];

    public IReadOnlyList<ServiceConfig> Services { get; init; } = [];

    /// <summary>Named middlewares that routers and entrypoints refer to.</summary>
    public IReadOnlyList<MiddlewareConfig> Middlewares { get; init; } = [];

    /// <summary>The admin API (health, metrics, config, routes); null turns it off.</summary>
    public AdminConfig? Admin { get; init; }

    /// <summary>Where and how each request is logged; null turns the access log off.</summary>
    public AccessLogConfig? AccessLog { get; init; }

    /// <summary>The application log's level, format and destination; null keeps the defaults (info, text, stdout).</summary>
    public LogConfig? Log { get; init; }

    /// <summary>Where configuration comes from and whether it is watched; informational for embedders.</summary>
    public FileProviderConfig? FileProvider { get; init; }

    /// <summary>How long a stop waits for in-flight requests before closing what is left.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>A listening address and the limits and timeouts its downstream connections get.</summary>
public sealed record EntrypointConfig(string Name, string Address)
{
    /// <summary>"http" (HTTP/1.1); other protocols arrive with their issues.</summary>
    public string Protocol { get; init; } = "http";

    public HttpLimitsConfig Limits { get; init; } = HttpLimitsConfig.Default;

    public DownstreamTimeoutsConfig Timeouts { get; init; } = DownstreamTimeoutsConfig.Default;

    /// <summary>
    /// Middlewares every request of this entrypoint passes through before its router's own
    /// (Traefik's <c>entryPoints.NAME.http.middlewares</c>).
    /// </summary>
    public IReadOnlyList<string> Middlewares { get; init; } = [];

    /// <summary>
    /// Share the address with other listeners that set it too (SO_REUSEPORT), so that a second
    /// engine can start beside the first for a zero-downtime restart. Off, an address another
    /// process holds is refused. Read when the address is bound: at start, or at a reload that
    /// adds the address.
    /// </summary>
    public bool ReusePort { get; init; }

    // A record compares lists by reference; two configs that name the same chain are equal
    // (a reload keeps an entrypoint whose settings did not change).
    public bool Equals(EntrypointConfig? other) =>
        other is not null && Name == other.Name && Address == other.Address && Protocol == other.Protocol &&
        Limits == other.Limits && Timeouts == other.Timeouts && ReusePort == other.ReusePort && Middlewares.SequenceEqual(other.Middlewares);

    public override int GetHashCode() => HashCode.Combine(Name, Address, Protocol, Limits, Timeouts, Middlewares.Count);
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

    /// <summary>
    /// Longest pause in a body transfer, in either direction. A client that pauses its request
    /// body longer gets 408 (or a close once the response has started); one that stops reading
    /// the response is closed.
    /// </summary>
    public TimeSpan BodyIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Slowest average request-body rate, in bytes per second, once <see cref="MinRequestBodyRateGrace"/>
    /// has passed since the body began (Kestrel's MinRequestBodyDataRate model): a trickling
    /// upload cannot hold an origin connection for long. 0 turns the check off.
    /// </summary>
    public long MinRequestBodyRate { get; init; } = 240;

    /// <summary>How long a request body may run below <see cref="MinRequestBodyRate"/> at its start.</summary>
    public TimeSpan MinRequestBodyRateGrace { get; init; } = TimeSpan.FromSeconds(5);

    public static DownstreamTimeoutsConfig Default { get; } = new();
}

/// <summary>The admin API's listener. Beyond loopback it requires <see cref="Token"/> as a bearer token.</summary>
public sealed record AdminConfig
{
    public string Address { get; init; } = "127.0.0.1:9901";

    /// <summary>Bearer token every admin request must carry; required when the address is not loopback.</summary>
    public string? Token { get; init; }

    /// <summary>Share the address with other engines' admin listeners that set it too (see <see cref="EntrypointConfig.ReusePort"/>).</summary>
    public bool ReusePort { get; init; }
}

/// <summary>The access log: one line per request, written off the request path.</summary>
public sealed record AccessLogConfig
{
    /// <summary>A file path, or "stdout".</summary>
    public string Path { get; init; } = "stdout";

    /// <summary>"json" (JSON lines) or "common" (NCSA common log format).</summary>
    public string Format { get; init; } = "json";

    /// <summary>Lines that may wait for the writer; beyond it lines are dropped and counted.</summary>
    public int BufferSize { get; init; } = 16384;
}

/// <summary>The file provider: a file or a conf.d directory, optionally watched for changes.</summary>
public sealed record FileProviderConfig
{
    /// <summary>A single file to load besides the main one; null for none.</summary>
    public string? Filename { get; init; }

    /// <summary>A directory whose *.toml files merge into the config; null for none.</summary>
    public string? Directory { get; init; }

    /// <summary>Reload when a file changes (and on SIGHUP).</summary>
    public bool Watch { get; init; } = true;
}
