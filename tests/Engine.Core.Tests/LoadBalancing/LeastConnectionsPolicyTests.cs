using Engine.Core.LoadBalancing;

namespace Engine.Core.Tests.LoadBalancing;

public class LeastConnectionsPolicyTests
{
    [Fact]
    public void Pick_LeastConnections_PicksDestinationWithFewestInFlight()
    {
        DestinationState[] destinations = Lb.Equal(3);
        Start(destinations[0], 4);
        Start(destinations[1], 1);
        Start(destinations[2], 3);
        DestinationTable table = Lb.Table("least_connections", destinations);

        Assert.Equal([0, 20, 0], Lb.Count(table, 20));
    }

    [Fact]
    public void Pick_LeastConnections_RotatesAmongTies()
    {
        DestinationState[] destinations = Lb.Equal(4);
        Start(destinations[2], 1);
        DestinationTable table = Lb.Table("least_connections", destinations);

        Assert.Equal([10, 10, 0, 10], Lb.Count(table, 30));
    }

    [Fact]
    public void Pick_LeastConnections_SpreadsIdleServiceByWeight()
    {
        DestinationTable table = Lb.Table("least_connections", Lb.Destinations(3, 1));

        Assert.Equal([300, 100], Lb.Count(table, 400));
    }

    [Fact]
    public void Pick_LeastConnections_ComparesInFlightPerUnitOfWeight()
    {
        DestinationState[] destinations = Lb.Destinations(4, 1);
        Start(destinations[0], 3);
        Start(destinations[1], 1);
        DestinationTable table = Lb.Table("least_connections", destinations);

        // 3/4 < 1/1: the heavy destination is the less loaded one.
        Assert.Equal("a", Lb.Pick(table).Name);
    }

    [Fact]
    public void Pick_LeastConnections_FollowsLoadAsRequestsStartAndComplete()
    {
        DestinationState[] destinations = Lb.Equal(3);
        DestinationTable table = Lb.Table("least_connections", destinations);
        var held = new List<DestinationState>();

        for (int i = 0; i < 30; i++)
        {
            DestinationState picked = Lb.Pick(table);
            picked.OnRequestStarted();
            held.Add(picked);
        }

        Assert.All(destinations, d => Assert.Equal(10, d.InFlight));
        held.ForEach(d => d.OnRequestCompleted());
    }

    private static void Start(DestinationState destination, int requests)
    {
        for (int i = 0; i < requests; i++)
        {
            destination.OnRequestStarted();
        }
    }
}
