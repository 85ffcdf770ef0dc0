using Engine.Core.LoadBalancing;

namespace Engine.Core.Tests.LoadBalancing;

public class WeightedServiceTableTests
{
    [Fact]
    public void Pick_WeightedService_ChoosesChildrenBySmoothSequence()
    {
        WeightedServiceTable service = Canary(5, 1, 1, out _);

        string sequence = string.Concat(Enumerable.Range(0, 14).Select(_ => Lb.Pick(service).Name[0]));

        Assert.Equal("aabacaa" + "aabacaa", sequence);
    }

    [Fact]
    public void Pick_WeightedService_SkipsChildWithoutHealthyDestination()
    {
        WeightedServiceTable service = Canary(90, 10, 0, out DestinationTable[] children);
        foreach (DestinationState destination in children[0].Destinations)
        {
            destination.IsHealthy = false;
        }

        Assert.All(Enumerable.Range(0, 50), _ => Assert.StartsWith("b", Lb.Pick(service).Name, StringComparison.Ordinal));
    }

    [Fact]
    public void Pick_WeightedService_FailsWhenNoChildHasHealthyDestination()
    {
        WeightedServiceTable service = Canary(1, 1, 0, out DestinationTable[] children);
        foreach (DestinationState destination in children.SelectMany(c => c.Destinations))
        {
            destination.IsHealthy = false;
        }

        Assert.False(service.TryPick(TestRouteInput.Empty, out DestinationState? picked, out StickySessionModel? setCookie));
        Assert.Null(picked);
        Assert.Null(setCookie);
    }

    [Fact]
    public void Pick_WeightedService_NeverPicksChildOfWeightZero()
    {
        DestinationTable stable = DestinationTable.Create(new LoadBalancingConfig(), [Named("a0")]);
        DestinationTable canary = DestinationTable.Create(new LoadBalancingConfig(), [Named("b0")]);
        var service = new WeightedServiceTable([new WeightedService(stable, 100), new WeightedService(canary, 0)]);

        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal("a0", Lb.Pick(service).Name));
        Assert.Equal(2, service.Children.Count);

        stable.Destinations[0].IsHealthy = false;
        Assert.False(service.TryPick(TestRouteInput.Empty, out _));
    }

    [Fact]
    public void Create_WeightedService_RejectsNegativeWeight()
    {
        DestinationTable child = DestinationTable.Create(new LoadBalancingConfig(), [Named("a0")]);

        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightedServiceTable([new WeightedService(child, -1)]));
    }

    [Fact]
    public void Pick_NestedWeightedService_MultipliesWeights()
    {
        WeightedServiceTable inner = Canary(1, 1, 0, out _);
        DestinationTable outer = DestinationTable.Create(new LoadBalancingConfig(), [Named("c0")]);
        var service = new WeightedServiceTable([new WeightedService(inner, 2), new WeightedService(outer, 2)]);

        var counts = Enumerable.Range(0, 400).Select(_ => Lb.Pick(service).Name[0]).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(100, counts['a']);
        Assert.Equal(100, counts['b']);
        Assert.Equal(200, counts['c']);
    }

    [Fact]
    public void Pick_WeightedService_ReportsStickyModelOfChildThatPicked()
    {
        var sticky = new LoadBalancingConfig { StickySession = new StickySessionConfig("canary") };
        DestinationTable stable = DestinationTable.Create(new LoadBalancingConfig(), [Named("a0")]);
        DestinationTable canary = DestinationTable.Create(sticky, [Named("b0")]);
        var service = new WeightedServiceTable([new WeightedService(stable, 1), new WeightedService(canary, 1)]);

        Assert.True(service.TryPick(TestRouteInput.Empty, out DestinationState? first, out StickySessionModel? firstCookie));
        Assert.True(service.TryPick(TestRouteInput.Empty, out DestinationState? second, out StickySessionModel? secondCookie));

        Assert.Equal("a0", first.Name);
        Assert.Null(firstCookie);
        Assert.Equal("b0", second.Name);
        Assert.Same(canary.StickySession, secondCookie);
    }

    private static WeightedServiceTable Canary(int a, int b, int c, out DestinationTable[] children)
    {
        var weights = new[] { a, b, c };
        children = Enumerable.Range(0, 3)
            .Where(i => weights[i] > 0)
            .Select(i => DestinationTable.Create(new LoadBalancingConfig(), [Named($"{Lb.Name(i)}0"), Named($"{Lb.Name(i)}1")]))
            .ToArray();
        return new WeightedServiceTable(children.Select((child, i) => new WeightedService(child, weights[i])));
    }

    private static DestinationState Named(string name) => new(name, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1));
}
