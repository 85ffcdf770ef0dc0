using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Engine.Core.LoadBalancing;

/// <summary>
/// Policies by config name, frozen once (STYLE #10): config validation and table builds look a
/// name up here, the request path never does.
/// </summary>
public sealed class LoadBalancingPolicyRegistry
{
    private readonly FrozenDictionary<string, ILoadBalancingPolicy> _byName;

    /// <summary>A registry of exactly <paramref name="policies"/>; a later policy replaces an earlier one of the same name.</summary>
    public LoadBalancingPolicyRegistry(IEnumerable<ILoadBalancingPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var byName = new Dictionary<string, ILoadBalancingPolicy>(StringComparer.OrdinalIgnoreCase);
        foreach (ILoadBalancingPolicy policy in policies)
        {
            ArgumentNullException.ThrowIfNull(policy);
            if (string.IsNullOrWhiteSpace(policy.Name))
            {
                throw new ArgumentException($"Policy {policy.GetType().Name} has no name.", nameof(policies));
            }

            byName[policy.Name] = policy;
        }

        _byName = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public IEnumerable<string> Names => _byName.Keys;

    /// <summary>
    /// Finds a policy by name, ignoring case and reading '-' as '_' ("round-robin" is
    /// "round_robin", the spelling several config formats use).
    /// </summary>
    public bool TryGet(string name, [NotNullWhen(true)] out ILoadBalancingPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out policy)
            || (name.Contains('-', StringComparison.Ordinal) && _byName.TryGetValue(name.Replace('-', '_'), out policy));
    }

    /// <summary>This registry plus <paramref name="additional"/>, which replace same-named policies.</summary>
    public LoadBalancingPolicyRegistry With(IEnumerable<ILoadBalancingPolicy> additional)
    {
        ArgumentNullException.ThrowIfNull(additional);
        return new LoadBalancingPolicyRegistry(_byName.Values.Concat(additional));
    }
}

/// <summary>The built-in policies.</summary>
public static class LoadBalancingPolicies
{
    public static LoadBalancingPolicyRegistry BuiltIn { get; } = new(
    [
        new RoundRobinPolicy(),
        new WeightedRoundRobinPolicy(),
        new LeastConnectionsPolicy(),
        new RandomPolicy(),
        new PowerOfTwoChoicesPolicy(),
        new ConsistentHashPolicy(),
    ]);

    public static bool TryGet(string name, [NotNullWhen(true)] out ILoadBalancingPolicy? policy) =>
        BuiltIn.TryGet(name, out policy);
}
