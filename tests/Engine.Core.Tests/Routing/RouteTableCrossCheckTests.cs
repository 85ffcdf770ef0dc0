using Engine.Core.Routing;
using Engine.TestSupport.Routing;

namespace Engine.Core.Tests.Routing;

/// <summary>The compiled table must pick exactly the route the interpreter picks, for any request.</summary>
public class RouteTableCrossCheckTests
{
    [Theory]
    [InlineData(20240601, 300, false)]
    [InlineData(7, 40, false)]
    [InlineData(99, 1500, false)]
    [InlineData(31337, 200, true)]
    public void Match_RandomRequests_AgreeWithInterpreter(int seed, int routeCount, bool hostAnchored)
    {
        var random = new RandomRoutes(seed);
        RouteDefinition<string>[] routes = random.Rules(routeCount, hostAnchored);
        RouteTable<string> table = RouteTable.Compile(routes);
        RouteInterpreter<string> interpreter = RouteInterpreter.Create(routes);
        Assert.Equal(interpreter.Order, table.Order);

        var matchedRoutes = new HashSet<string>(StringComparer.Ordinal);
        int matched = 0;
        for (int i = 0; i < 10_000; i++)
        {
            TestRequest request = random.Request();
            bool expected = interpreter.TryMatch(request, out string expectedRoute);
            bool actual = table.TryMatch(new TestRequestView(request), out string actualRoute);
            if (expected != actual || expectedRoute != actualRoute)
            {
                Assert.Fail($"request #{i} {request}: interpreter chose {expectedRoute ?? "nothing"}, compiled table chose {actualRoute ?? "nothing"}");
            }

            if (expected)
            {
                matched++;
                matchedRoutes.Add(expectedRoute);
            }
        }

        // The corpus must exercise real choices, not agree on one answer throughout: many
        // different winners, and (where every rule needs a host) requests that match nothing.
        Assert.True(matchedRoutes.Count >= Math.Min(25, routeCount / 4), $"only {matchedRoutes.Count} distinct routes matched");
        if (hostAnchored)
        {
            Assert.InRange(matched, 2_000, 9_500);
        }
    }

    [Fact]
    public void Match_RandomConnections_AgreeWithInterpreter()
    {
        var random = new RandomRoutes(4242);
        RouteDefinition<string>[] routes = random.TcpRules(120);
        TcpRouteTable<string> table = RouteTable.CompileTcp(routes);
        TcpRouteInterpreter<string> interpreter = RouteInterpreter.CreateTcp(routes);
        var matchedRoutes = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 5_000; i++)
        {
            TestConnection connection = random.Connection();
            bool expected = interpreter.TryMatch(connection, out string expectedRoute);
            bool actual = table.TryMatch(connection, out string actualRoute);
            if (expected != actual || expectedRoute != actualRoute)
            {
                Assert.Fail($"connection #{i} {connection}: interpreter chose {expectedRoute ?? "nothing"}, compiled table chose {actualRoute ?? "nothing"}");
            }

            if (expected)
            {
                matchedRoutes.Add(expectedRoute);
            }
        }

        Assert.True(matchedRoutes.Count >= 6, $"only {matchedRoutes.Count} distinct routes matched");
    }
}
