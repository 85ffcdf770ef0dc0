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
    public void Pick_RoundRobinWithEqualWeightsAboveOne_RotatesPlainly()
    {
        DestinationTable table = Lb.Table("round_robin", Lb.Destinations(4, 4, 4));

        string sequence = string.Concat(Enumerable.Range(0, 7).Select(_ => Lb.Pick(table).Name));

        Assert.Equal("abcabca", sequence);
    }

    [Fact]
    public void Pick_RoundRobinWeighted3To1_SplitsEightPicks6To2Interleaved()
    {
        DestinationTable table = Lb.Table("round_robin", Lb.Destinations(3, 1));

        string sequence = string.Concat(Enumerable.Range(0, 8).Select(_ => Lb.Pick(table).Name));

        // nginx's smooth order: b lands in the middle of each period, not after a run of three a's.
        Assert.Equal("aaba" + "aaba", sequence);
    }

    [Fact]
    public void Pick_RoundRobinWeighted_GivesEachDestinationItsWeightsShare()
    {
        DestinationTable table = Lb.Table("round_robin", Lb.Destinations(5, 1, 1));

        Assert.Equal([500, 100, 100], Lb.Count(table, 700));
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

    [Fact]
    public void Pick_RoundRobinWeighted_SkipsUnhealthyDestinationAndKeepsTheOthersRatio()
    {
        DestinationState[] destinations = Lb.Destinations(3, 1, 2);
        destinations[0].IsHealthy = false;
        DestinationTable table = Lb.Table("round_robin", destinations);

        Assert.Equal([0, 100, 200], Lb.Count(table, 300));
    }
}
