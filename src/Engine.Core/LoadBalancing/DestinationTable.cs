using System.Diagnostics.CodeAnalysis;
using Engine.Core.Routing;

namespace Engine.Core.LoadBalancing;

/// <summary>
/// One service's destinations compiled for picking: the policy's immutable
/// <see cref="DestinationPicker"/>, the request key <c>consistent_hash</c> reads, and the
/// sticky-session model. Built on the config path; picking takes no lock and allocates nothing.
/// </summary>
public sealed class DestinationTable : ServiceTable
{
    private readonly DestinationState[] _destinations;
    private readonly DestinationPicker _picker;
    private readonly RequestKeySelector? _key;
    private readonly Random _random;

    private DestinationTable(LoadBalancingConfig config, ILoadBalancingPolicy policy, DestinationState[] destinations, Random random)
    {
        Config = config;
        Policy = policy;
        _destinations = destinations;
        _random = random;
        _picker = policy.CreatePicker(destinations, config, random)
            ?? throw new InvalidOperationException($"Policy '{policy.Name}' returned no picker.");
        if (_picker.UsesRequestHash)
        {
            _key = new RequestKeySelector(config.HashKey ?? new HashKeyConfig(HashKeySource.ClientAddress));
        }

        if (config.StickySession is { } sticky)
        {
            StickySession = new StickySessionModel(sticky, destinations);
        }
    }

    public LoadBalancingConfig Config { get; }

    public ILoadBalancingPolicy Policy { get; }

    /// <summary>The destinations in config order (a copy of what was passed in).</summary>
    public IReadOnlyList<DestinationState> Destinations => _destinations;

    /// <summary>Cookie affinity of this service; null when off.</summary>
    public StickySessionModel? StickySession { get; }

    /// <summary>
    /// Compiles a table. Throws <see cref="ArgumentException"/> for an unknown policy name or a
    /// setting the policy rejects (e.g. a Maglev size that is not prime). An empty destination
    /// list is allowed: every pick then fails and the proxy answers 503.
    /// </summary>
    /// <param name="registry">Where the policy name is looked up; <see cref="LoadBalancingPolicies.BuiltIn"/> when null.</param>
    /// <param name="random">Randomness for random policies; <see cref="Random.Shared"/> when null. Must be thread-safe outside tests.</param>
    public static DestinationTable Create(
        LoadBalancingConfig config,
        IEnumerable<DestinationState> destinations,
        LoadBalancingPolicyRegistry? registry = null,
        Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(destinations);
        registry ??= LoadBalancingPolicies.BuiltIn;
        if (!registry.TryGet(config.Policy, out ILoadBalancingPolicy? policy))
        {
            throw new ArgumentException(
                $"Unknown load-balancing policy '{config.Policy}'; known: {string.Join(", ", registry.Names)}.",
                nameof(config));
        }

        return new DestinationTable(config, policy, Copy(destinations), random ?? Random.Shared);
    }

    /// <summary>The same config and policy over a new destination set (health checks or discovery changed it).</summary>
    public DestinationTable WithDestinations(IEnumerable<DestinationState> destinations)
    {
        return new DestinationTable(Config, Policy, Copy(destinations), _random);
    }

    internal bool PickCore<TInput>(TInput request, [NotNullWhen(true)] out DestinationState? destination, out StickySessionModel? setCookie)
        where TInput : IRouteInput, allows ref struct
    {
        // :: Step 1: a valid cookie naming a healthy destination of this table wins, and needs
        // no new cookie. Missing, malformed, unknown (destination removed) or unhealthy: the
        // policy picks and the response re-pins.
        StickySessionModel? sticky = StickySession;
        if (sticky is not null)
        {
            DestinationState? pinned = sticky.FindPinned(request);
            if (pinned is not null)
            {
                destination = pinned;
                setCookie = null;
                return true;
            }
        }

        // :: Step 2: only a hashing policy pays for reading the key.
        ulong? hash = null;
        if (_key is not null && _key.TryGetHash(request, out ulong keyHash))
        {
            hash = keyHash;
        }

        // :: Step 3: the policy picks among healthy destinations.
        destination = _picker.Pick(hash);
        setCookie = destination is null ? null : sticky;
        return destination is not null;
    }

    private static DestinationState[] Copy(IEnumerable<DestinationState> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        DestinationState[] copy = destinations.ToArray();
        foreach (DestinationState destination in copy)
        {
            ArgumentNullException.ThrowIfNull(destination, nameof(destinations));
        }

        return copy;
    }
}
