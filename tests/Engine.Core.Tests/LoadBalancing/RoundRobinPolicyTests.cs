using Engine.Core.LoadBalancing;

namespace Engine.Core.Tests.LoadBalancing;

public class RoundRobinPolicyTests
{
    [Fact]
    public void Pick_RoundRobin_VisitsDestinationsInTurn()
    {
        DestinationTable table = Lb.Table("round_robin", Lb.Equal(3));

        string sequence = string.Concat(Enumerable.Range(0, 7).Select(_ => Lb.Pick(table).Name));

        Assert.Equal("abcabca", sequence);
    }

    [Fact]
    public void Pick_RoundRobin_IgnoresWeights()
    {
        DestinationTable table = Lb.Table("round_robin", Lb.Destinations(5, 1, 1));

        Assert.Equal([100, 100, 100], Lb.Count(table, 300));
    }

    [Fact]
    public void Pick_RoundRobin_GivesHealthyDestinationsEqualSharesWhenOneIsDown()
    {
        DestinationState[] destinations = Lb.Equal(3);
        destinations[1].IsHealthy = false;
        DestinationTable table = Lb.Table("round_robin", destinations);

        string sequence = string.Concat(Enumerable.Range(0, 6).Select(_ => Lb.Pick(table).Name));

        // b's tickets are taken again rather than handed to c: a and c alternate.
        Assert.Equal("acacac", sequence);
    }
}
