using System.Net;
using Engine.Core.LoadBalancing;

namespace Engine.Core.Tests.LoadBalancing;

public class HealthTests
{
    public static TheoryData<string> Policies => new(LoadBalancingPolicies.BuiltIn.Names.Order());

    [Theory]
    [MemberData(nameof(Policies))]
    public void Pick_EveryPolicy_SkipsUnhealthyDestinations(string policy)
    {
        DestinationState[] destinations = Lb.Destinations(3, 1, 2, 1, 1);
        destinations[0].IsHealthy = false;
        destinations[3].IsHealthy = false;
        DestinationTable table = Lb.Table(policy, destinations);

        var seen = new HashSet<DestinationState>();
        for (int i = 0; i < 2000; i++)
        {
            DestinationState picked = Lb.Pick(table, Client(i));
            Assert.True(picked.IsHealthy, $"{policy} picked unhealthy {picked}");
            seen.Add(picked);
        }

        Assert.Equal(3, seen.Count);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Pick_EveryPolicy_FindsLastHealthyDestination(string policy)
    {
        DestinationState[] destinations = Lb.Equal(40);
        foreach (DestinationState destination in destinations)
        {
            destination.IsHealthy = false;
        }

        destinations[37].IsHealthy = true;
        DestinationTable table = Lb.Table(policy, destinations);

        for (int i = 0; i < 200; i++)
        {
            Assert.Same(destinations[37], Lb.Pick(table, Client(i)));
        }
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Pick_EveryPolicy_FailsWhenNoDestinationIsHealthy(string policy)
    {
        DestinationState[] destinations = Lb.Equal(3);
        foreach (DestinationState destination in destinations)
        {
            destination.IsHealthy = false;
        }

        DestinationTable table = Lb.Table(policy, destinations);

        Assert.False(table.TryPick(Client(1), out DestinationState? picked));
        Assert.Null(picked);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Pick_EveryPolicy_FailsForServiceWithoutDestinations(string policy)
    {
        DestinationTable table = Lb.Table(policy, []);

        Assert.False(table.TryPick(Client(1), out _, out StickySessionModel? setCookie));
        Assert.Null(setCookie);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Pick_EveryPolicy_UsesDestinationAgainOnceHealthy(string policy)
    {
        DestinationState[] destinations = Lb.Equal(2);
        destinations[1].IsHealthy = false;
        DestinationTable table = Lb.Table(policy, destinations);
        Assert.All(Enumerable.Range(0, 50), i => Assert.Same(destinations[0], Lb.Pick(table, Client(i))));

        destinations[1].IsHealthy = true;

        // By reference: xunit compares a DestinationState as a collection, which lists itself forever.
        Assert.Contains(Enumerable.Range(0, 200).Select(i => Lb.Pick(table, Client(i))), picked => ReferenceEquals(picked, destinations[1]));
    }

    private static TestRouteInput Client(int key) => new(new IPAddress([172, 16, (byte)(key >> 8), (byte)key]));
}
