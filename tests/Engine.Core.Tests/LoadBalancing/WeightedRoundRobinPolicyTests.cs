using Engine.Core.LoadBalancing;

namespace Engine.Core.Tests.LoadBalancing;

public class WeightedRoundRobinPolicyTests
{
    [Fact]
    public void Pick_WeightedRoundRobin_FollowsNginxSmoothSequenceFor5_1_1()
    {
        DestinationTable table = Lb.Table("weighted_round_robin", Lb.Destinations(5, 1, 1));

        string sequence = string.Concat(Enumerable.Range(0, 14).Select(_ => Lb.Pick(table).Name));

        Assert.Equal("aabacaa" + "aabacaa", sequence);
    }

    [Fact]
    public void Build_SmoothSequence_ReducesWeightsByTheirCommonDivisor()
    {
        int[] sequence = SmoothWeightedSequence.Build([50, 10, 10]);

        Assert.Equal([0, 0, 1, 0, 2, 0, 0], sequence);
    }

    [Theory]
    [InlineData(new[] { 1, 1, 1 })]
    [InlineData(new[] { 3, 2, 1 })]
    [InlineData(new[] { 7, 1, 13, 2 })]
    public void Pick_WeightedRoundRobin_GivesExactSharesOverWholePeriods(int[] weights)
    {
        DestinationTable table = Lb.Table("weighted_round_robin", Lb.Destinations(weights));
        int period = weights.Sum();

        int[] counts = Lb.Count(table, period * 50);

        Assert.Equal(weights.Select(w => w * 50).ToArray(), counts);
    }

    [Fact]
    public void Pick_WeightedRoundRobin_KeepsRatioAmongHealthyWhenHeaviestIsDown()
    {
        DestinationState[] destinations = Lb.Destinations(5, 1, 2);
        destinations[0].IsHealthy = false;
        DestinationTable table = Lb.Table("weighted_round_robin", destinations);

        int[] counts = Lb.Count(table, 300);

        Assert.Equal([0, 100, 200], counts);
    }

    [Fact]
    public void Pick_WeightedRoundRobin_FindsLightDestinationHiddenBehindHeavyUnhealthyOne()
    {
        DestinationState[] destinations = Lb.Destinations(1000, 1);
        destinations[0].IsHealthy = false;
        DestinationTable table = Lb.Table("weighted_round_robin", destinations);

        Assert.Equal([0, 50], Lb.Count(table, 50));
    }

    [Fact]
    public void Build_SmoothSequence_CapsPeriodForHugeWeightSumsAndKeepsRatios()
    {
        int[] sequence = SmoothWeightedSequence.Build([int.MaxValue, int.MaxValue / 3, 1]);

        Assert.True(sequence.Length <= SmoothWeightedSequence.MaxPeriod + 3, $"period {sequence.Length}");
        int first = sequence.Count(i => i == 0);
        int second = sequence.Count(i => i == 1);
        int third = sequence.Count(i => i == 2);
        Assert.Equal(3.0, (double)first / second, 2);
        Assert.Equal(1, third);
    }

    [Fact]
    public void Build_SmoothSequence_RejectsNonPositiveWeight()
    {
        Assert.Throws<ArgumentException>(() => SmoothWeightedSequence.Build([1, 0]));
    }
}
