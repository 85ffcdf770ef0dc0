using Engine.Core.LoadBalancing;

namespace Engine.Core.Tests.LoadBalancing;

public class PowerOfTwoChoicesPolicyTests
{
    [Fact]
    public void Pick_PowerOfTwoChoices_SkipsBusiestDestination()
    {
        DestinationState[] destinations = Lb.Equal(3);
        destinations[0].OnRequestStarted();
        destinations[0].OnRequestStarted();
        destinations[2].OnRequestStarted();
        DestinationTable table = Lb.Table("power_of_two_choices", destinations, seed: 11);

        int[] counts = Lb.Count(table, 3000);

        // Two distinct candidates of three always include a less busy one than a.
        Assert.Equal(0, counts[0]);
        // b is the least busy: it wins whenever drawn, i.e. in 2 of the 3 candidate pairs.
        Lb.AssertShares(counts, [0, 2 / 3.0, 1 / 3.0], tolerance: 0.03);
    }

    [Fact]
    public void Pick_PowerOfTwoChoices_SpreadsIdleServiceEvenly()
    {
        DestinationTable table = Lb.Table("power_of_two_choices", Lb.Equal(5), seed: 13);

        Lb.AssertShares(Lb.Count(table, 50_000), Lb.Shares(1, 1, 1, 1, 1), tolerance: 0.01);
    }

    [Fact]
    public void Pick_PowerOfTwoChoices_SpreadsIdleServiceByWeight()
    {
        DestinationTable table = Lb.Table("power_of_two_choices", Lb.Destinations(6, 3, 1), seed: 17);

        Lb.AssertShares(Lb.Count(table, 50_000), Lb.Shares(6, 3, 1), tolerance: 0.01);
    }

    [Fact]
    public void Pick_PowerOfTwoChoices_ReturnsOnlyDestinationOfSingleDestinationService()
    {
        DestinationTable table = Lb.Table("power_of_two_choices", Lb.Equal(1));

        Assert.Equal([10], Lb.Count(table, 10));
    }

    [Fact]
    public void Pick_PowerOfTwoChoices_BalancesLoadWhenRequestsAreHeld()
    {
        DestinationState[] destinations = Lb.Equal(4);
        DestinationTable table = Lb.Table("power_of_two_choices", destinations, seed: 19);

        for (int i = 0; i < 400; i++)
        {
            Lb.Pick(table).OnRequestStarted();
        }

        // Random alone would leave a spread of tens; two choices keep every load near 100.
        Assert.All(destinations, d => Assert.InRange(d.InFlight, 97, 103));
    }
}
