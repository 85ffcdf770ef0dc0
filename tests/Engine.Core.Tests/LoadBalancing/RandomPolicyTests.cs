using Engine.Core.LoadBalancing;

namespace Engine.Core.Tests.LoadBalancing;

public class RandomPolicyTests
{
    [Fact]
    public void Pick_Random_SpreadsEqualWeightsEvenly()
    {
        DestinationTable table = Lb.Table("random", Lb.Equal(4), seed: 1);

        Lb.AssertShares(Lb.Count(table, 40_000), Lb.Shares(1, 1, 1, 1), tolerance: 0.01);
    }

    [Fact]
    public void Pick_Random_SpreadsByWeight()
    {
        DestinationTable table = Lb.Table("random", Lb.Destinations(5, 3, 2), seed: 7);

        Lb.AssertShares(Lb.Count(table, 50_000), Lb.Shares(5, 3, 2), tolerance: 0.01);
    }

    [Fact]
    public void Pick_Random_KeepsRelativeWeightsAmongHealthy()
    {
        DestinationState[] destinations = Lb.Destinations(5, 3, 1);
        destinations[0].IsHealthy = false;
        DestinationTable table = Lb.Table("random", destinations, seed: 3);

        Lb.AssertShares(Lb.Count(table, 40_000), [0, 0.75, 0.25], tolerance: 0.01);
    }

    [Fact]
    public void Pick_Random_IsRepeatableWithSameSeed()
    {
        DestinationTable first = Lb.Table("random", Lb.Destinations(2, 1, 1), seed: 99);
        DestinationTable second = Lb.Table("random", Lb.Destinations(2, 1, 1), seed: 99);

        string a = string.Concat(Enumerable.Range(0, 50).Select(_ => Lb.Pick(first).Name));
        string b = string.Concat(Enumerable.Range(0, 50).Select(_ => Lb.Pick(second).Name));

        Assert.Equal(a, b);
        Assert.Equal(3, a.Distinct().Count());
    }

    [Fact]
    public void DrawExcept_WeightedSampler_NeverReturnsExcludedAndKeepsOtherWeights()
    {
        var sampler = new WeightedSampler(Lb.Destinations(1, 6, 3));
        var random = new Random(5);
        var counts = new int[3];

        for (int i = 0; i < 30_000; i++)
        {
            counts[sampler.DrawExcept(random, 1)]++;
        }

        Assert.Equal(0, counts[1]);
        Lb.AssertShares(counts, [0.25, 0, 0.75], tolerance: 0.015);
    }
}
