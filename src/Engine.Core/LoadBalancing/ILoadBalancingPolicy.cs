namespace Engine.Core.LoadBalancing;

/// <summary>
/// A balancing algorithm named in config (STYLE #10): resolved once through
/// <see cref="LoadBalancingPolicies"/>, then asked to compile each service's destinations into
/// an immutable <see cref="DestinationPicker"/>. A new picker is built whenever the config or the
/// destination set changes; health changes do not rebuild, pickers read
/// <see cref="DestinationState.IsHealthy"/> as they go.
/// </summary>
public interface ILoadBalancingPolicy
{
    /// <summary>The name config uses, e.g. "round_robin".</summary>
    string Name { get; }

    /// <summary>
    /// Builds the picker for one service. Runs on the config path: it may allocate and throw
    /// <see cref="ArgumentException"/> for settings it cannot honour. <paramref name="random"/> is
    /// shared by every pick of the picker and must be safe to call from many threads in
    /// production (<see cref="Random.Shared"/>); tests pass a seeded instance.
    /// </summary>
    DestinationPicker CreatePicker(DestinationState[] destinations, LoadBalancingConfig config, Random random);
}

/// <summary>The names of the built-in policies.</summary>
public static class LoadBalancingPolicyNames
{
    public const string RoundRobin = "round_robin";
    public const string WeightedRoundRobin = "weighted_round_robin";
    public const string LeastConnections = "least_connections";
    public const string Random = "random";
    public const string PowerOfTwoChoices = "power_of_two_choices";
    public const string ConsistentHash = "consistent_hash";
}
