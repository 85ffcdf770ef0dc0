namespace Engine.Core.LoadBalancing;

/// <summary>
/// How one service spreads requests over its destinations, as written in config. Compiled into
/// an immutable <see cref="DestinationTable"/>; the destinations themselves come as live
/// <see cref="DestinationState"/> objects so their counters survive a rebuild.
/// </summary>
public sealed record LoadBalancingConfig
{
    /// <summary>Policy name resolved through <see cref="LoadBalancingPolicies"/>, e.g. "round_robin".</summary>
    public string Policy { get; init; } = LoadBalancingPolicyNames.RoundRobin;

    /// <summary>The request part that <c>consistent_hash</c> hashes; null means the client address.</summary>
    public HashKeyConfig? HashKey { get; init; }

    /// <summary>Maglev lookup table size for <c>consistent_hash</c>: a prime, at least the destination count.</summary>
    /// <remarks>
    /// The Maglev paper keeps it well above 100 times the destination count so that each
    /// destination's share stays within about 1% of its weight.
    /// </remarks>
    public int MaglevTableSize { get; init; } = MaglevTable.DefaultSize;

    /// <summary>Cookie affinity; null turns sticky sessions off.</summary>
    public StickySessionConfig? StickySession { get; init; }

    /// <summary>Round-robin, no hash key, no affinity.</summary>
    public static LoadBalancingConfig Default { get; } = new();
}

/// <summary>Where <c>consistent_hash</c> finds its key.</summary>
public enum HashKeySource
{
    /// <summary>The peer address of the downstream connection (not X-Forwarded-For).</summary>
    ClientAddress,

    /// <summary>The first header field with <see cref="HashKeyConfig.Name"/> (case-insensitive).</summary>
    Header,

    /// <summary>The first cookie named <see cref="HashKeyConfig.Name"/> (case-sensitive, RFC 6265).</summary>
    Cookie,
}

/// <summary>The key that <c>consistent_hash</c> hashes. A request without the key is spread by rotation.</summary>
public sealed record HashKeyConfig(HashKeySource Source, string? Name = null);

/// <summary>The SameSite attribute of the affinity cookie (RFC 6265bis §4.1.2.7).</summary>
public enum CookieSameSite
{
    /// <summary>No attribute: the browser's default applies.</summary>
    Unspecified,
    Lax,
    Strict,

    /// <summary>Cross-site too; browsers drop such a cookie unless it is also Secure.</summary>
    None,
}

/// <summary>Cookie-based affinity: a request carrying the cookie goes back to the destination it names.</summary>
public sealed record StickySessionConfig(string CookieName)
{
    public bool Secure { get; init; }

    public bool HttpOnly { get; init; } = true;

    public CookieSameSite SameSite { get; init; } = CookieSameSite.Unspecified;

    /// <summary>Lifetime sent as Max-Age in whole seconds; null makes a session cookie.</summary>
    public TimeSpan? MaxAge { get; init; }

    public string Path { get; init; } = "/";
}
