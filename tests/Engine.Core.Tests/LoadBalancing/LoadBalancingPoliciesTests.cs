using Engine.Core.LoadBalancing;

namespace Engine.Core.Tests.LoadBalancing;

public class LoadBalancingPoliciesTests
{
    [Theory]
    [InlineData("round_robin", typeof(RoundRobinPolicy))]
    [InlineData("Round-Robin", typeof(RoundRobinPolicy))]
    [InlineData("weighted_round_robin", typeof(WeightedRoundRobinPolicy))]
    [InlineData("least-connections", typeof(LeastConnectionsPolicy))]
    [InlineData("random", typeof(RandomPolicy))]
    [InlineData("power_of_two_choices", typeof(PowerOfTwoChoicesPolicy))]
    [InlineData("CONSISTENT_HASH", typeof(ConsistentHashPolicy))]
    public void TryGet_BuiltIn_FindsPolicyByConfigName(string name, Type expected)
    {
        Assert.True(LoadBalancingPolicies.TryGet(name, out ILoadBalancingPolicy? policy));
        Assert.IsType(expected, policy);
    }

    [Theory]
    [InlineData("")]
    [InlineData("roundrobin")]
    [InlineData("round_robin ")]
    public void TryGet_BuiltIn_RejectsUnknownName(string name)
    {
        Assert.False(LoadBalancingPolicies.TryGet(name, out ILoadBalancingPolicy? policy));
        Assert.Null(policy);
    }

    [Fact]
    public void Create_UnknownPolicy_ThrowsNamingKnownPolicies()
    {
        var error = Assert.Throws<ArgumentException>(() => DestinationTable.Create(new LoadBalancingConfig { Policy = "fastest" }, Lb.Equal(2)));

        Assert.Contains("fastest", error.Message, StringComparison.Ordinal);
        Assert.Contains("power_of_two_choices", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CustomPolicy_IsResolvedFromExtendedRegistry()
    {
        LoadBalancingPolicyRegistry registry = LoadBalancingPolicies.BuiltIn.With([new LastPolicy()]);
        DestinationTable table = DestinationTable.Create(new LoadBalancingConfig { Policy = "last" }, Lb.Equal(3), registry);

        Assert.Equal("c", Lb.Pick(table).Name);
        Assert.True(registry.TryGet("round_robin", out _));
        Assert.False(LoadBalancingPolicies.TryGet("last", out _));
    }

    private sealed class LastPolicy : ILoadBalancingPolicy
    {
        public string Name => "last";

        public DestinationPicker CreatePicker(DestinationState[] destinations, LoadBalancingConfig config, Random random) =>
            new Picker(destinations);

        private sealed class Picker(DestinationState[] destinations) : DestinationPicker(destinations)
        {
            public override DestinationState? Pick(ulong? requestHash) => Destinations.Length == 0 ? null : Destinations[^1];
        }
    }
}
