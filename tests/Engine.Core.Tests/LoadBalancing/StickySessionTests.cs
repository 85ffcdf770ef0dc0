using System.Text;
using Engine.Core.LoadBalancing;

namespace Engine.Core.Tests.LoadBalancing;

public class StickySessionTests
{
    private static readonly LoadBalancingConfig Sticky = new()
    {
        Policy = "round_robin",
        StickySession = new StickySessionConfig("srv"),
    };

    [Fact]
    public void Pick_Sticky_SendsRequestWithCookieToPinnedDestination()
    {
        DestinationTable table = DestinationTable.Create(Sticky, Lb.Equal(5));
        DestinationState pinned = table.Destinations[3];

        for (int i = 0; i < 20; i++)
        {
            Assert.True(table.TryPick(CookieFor(pinned), out DestinationState? picked, out StickySessionModel? setCookie));
            Assert.Same(pinned, picked);
            Assert.Null(setCookie);
        }
    }

    [Fact]
    public void Pick_Sticky_AsksForCookieWhenRequestHasNone()
    {
        DestinationTable table = DestinationTable.Create(Sticky, Lb.Equal(3));

        Assert.True(table.TryPick(TestRouteInput.Empty, out DestinationState? first, out StickySessionModel? setCookie));
        Assert.Same(table.StickySession, setCookie);
        Assert.True(table.TryPick(TestRouteInput.Empty, out DestinationState? second, out _));
        Assert.NotSame(first, second);
    }

    [Theory]
    [InlineData("srv=0123456789abcdef")]
    [InlineData("srv=")]
    [InlineData("srv=abc")]
    [InlineData("srv=0123456789abcdeg")]
    [InlineData("srv=0123456789abcdef0")]
    [InlineData("other=0123456789abcdef")]
    public void Pick_Sticky_FallsBackToPolicyForUnknownOrMalformedCookie(string cookie)
    {
        DestinationTable table = DestinationTable.Create(Sticky, Lb.Equal(3));

        string sequence = string.Concat(Enumerable.Range(0, 6).Select(_ =>
        {
            Assert.True(table.TryPick(TestRouteInput.WithCookie(cookie), out DestinationState? picked, out StickySessionModel? setCookie));
            Assert.NotNull(setCookie);
            return picked.Name;
        }));

        Assert.Equal("abcabc", sequence);
    }

    [Fact]
    public void Pick_Sticky_RepinsWhenPinnedDestinationIsUnhealthy()
    {
        DestinationState[] destinations = Lb.Equal(3);
        DestinationTable table = DestinationTable.Create(Sticky, destinations);
        destinations[0].IsHealthy = false;

        Assert.True(table.TryPick(CookieFor(destinations[0]), out DestinationState? picked, out StickySessionModel? setCookie));
        Assert.NotSame(destinations[0], picked);
        Assert.NotNull(setCookie);

        destinations[0].IsHealthy = true;
        Assert.True(table.TryPick(CookieFor(destinations[0]), out picked, out setCookie));
        Assert.Same(destinations[0], picked);
        Assert.Null(setCookie);
    }

    [Fact]
    public void Pick_Sticky_RepinsWhenPinnedDestinationWasRemoved()
    {
        DestinationState[] destinations = Lb.Equal(3);
        DestinationTable table = DestinationTable.Create(Sticky, destinations).WithDestinations(destinations.Skip(1));

        Assert.True(table.TryPick(CookieFor(destinations[0]), out DestinationState? picked, out StickySessionModel? setCookie));
        Assert.NotSame(destinations[0], picked);
        Assert.NotNull(setCookie);
    }

    [Fact]
    public void Pick_Sticky_KeepsPinAcrossRebuildWithNewDestinationObjects()
    {
        DestinationTable before = DestinationTable.Create(Sticky, Lb.Equal(4));
        DestinationTable after = DestinationTable.Create(Sticky, Lb.Equal(4).Reverse());

        Assert.True(after.TryPick(CookieFor(before.Destinations[1]), out DestinationState? picked, out StickySessionModel? setCookie));
        Assert.Equal(before.Destinations[1].Name, picked.Name);
        Assert.Null(setCookie);
    }

    [Fact]
    public void Pick_Sticky_AcceptsUppercaseHexAndQuotedValue()
    {
        DestinationTable table = DestinationTable.Create(Sticky, Lb.Equal(3));
        string id = StickySessionModel.GetCookieValue(table.Destinations[2]);

        Assert.Same(table.Destinations[2], Lb.Pick(table, TestRouteInput.WithCookie($"srv={id.ToUpperInvariant()}")));
        Assert.Same(table.Destinations[2], Lb.Pick(table, TestRouteInput.WithCookie($"a=b; srv=\"{id}\"")));
    }

    [Fact]
    public void GetCookieValue_Sticky_IsStableOpaqueHashOfName()
    {
        var destination = new DestinationState("http://10.0.0.7:8080", new System.Net.IPEndPoint(0, 0));

        string value = StickySessionModel.GetCookieValue(destination);

        // Pinned: a different value after an upgrade would unpin every client.
        Assert.Equal("f34ef010106777c6", value);
        Assert.DoesNotContain("10.0.0.7", value, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SetCookieCases))]
    public void TryWriteSetCookie_Sticky_WritesExactHeaderValue(StickySessionConfig config, string attributes)
    {
        DestinationTable table = DestinationTable.Create(new LoadBalancingConfig { StickySession = config }, Lb.Equal(2));
        StickySessionModel model = table.StickySession!;
        DestinationState destination = table.Destinations[1];
        var buffer = new byte[model.SetCookieLength + 8];

        Assert.True(model.TryWriteSetCookie(destination, buffer, out int written));

        string expected = $"{config.CookieName}={StickySessionModel.GetCookieValue(destination)}{attributes}";
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer, 0, written));
        Assert.Equal(model.SetCookieLength, written);
    }

    public static TheoryData<StickySessionConfig, string> SetCookieCases => new()
    {
        { new StickySessionConfig("srv"), "; Path=/; HttpOnly" },
        { new StickySessionConfig("srv") { HttpOnly = false, Path = "" }, "" },
        {
            new StickySessionConfig("_lb.id") { Secure = true, SameSite = CookieSameSite.None, MaxAge = TimeSpan.FromHours(1), Path = "/app" },
            "; Path=/app; Max-Age=3600; HttpOnly; Secure; SameSite=None"
        },
        { new StickySessionConfig("s") { SameSite = CookieSameSite.Lax, MaxAge = TimeSpan.FromSeconds(90.9) }, "; Path=/; Max-Age=90; HttpOnly; SameSite=Lax" },
        { new StickySessionConfig("s") { SameSite = CookieSameSite.Strict, MaxAge = TimeSpan.Zero }, "; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" },
    };

    [Fact]
    public void TryWriteSetCookie_Sticky_RefusesShortBufferAndWritesNothing()
    {
        DestinationTable table = DestinationTable.Create(Sticky, Lb.Equal(2));
        StickySessionModel model = table.StickySession!;
        var buffer = new byte[model.SetCookieLength - 1];

        Assert.False(model.TryWriteSetCookie(table.Destinations[0], buffer, out int written));
        Assert.Equal(0, written);
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Pick_StickyWrittenCookie_PinsTheDestinationItNames()
    {
        DestinationTable table = DestinationTable.Create(Sticky, Lb.Equal(7));
        Assert.True(table.TryPick(TestRouteInput.Empty, out DestinationState? first, out StickySessionModel? setCookie));
        var buffer = new byte[setCookie!.SetCookieLength];
        setCookie.TryWriteSetCookie(first, buffer, out int written);

        // The browser sends back the name=value part of Set-Cookie.
        string cookie = Encoding.ASCII.GetString(buffer, 0, written).Split(';')[0];

        for (int i = 0; i < 10; i++)
        {
            Assert.Same(first, Lb.Pick(table, TestRouteInput.WithCookie(cookie)));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a;b")]
    [InlineData("a=b")]
    [InlineData("sé")]
    public void Create_Sticky_RejectsCookieNameOutsideRfc6265Token(string name)
    {
        var config = new LoadBalancingConfig { StickySession = new StickySessionConfig(name) };

        Assert.Throws<ArgumentException>(() => DestinationTable.Create(config, Lb.Equal(2)));
    }

    [Fact]
    public void Create_Sticky_RejectsSameSiteNoneWithoutSecureAndBadPath()
    {
        var none = new LoadBalancingConfig { StickySession = new StickySessionConfig("s") { SameSite = CookieSameSite.None } };
        var path = new LoadBalancingConfig { StickySession = new StickySessionConfig("s") { Path = "/a;b" } };
        var age = new LoadBalancingConfig { StickySession = new StickySessionConfig("s") { MaxAge = TimeSpan.FromSeconds(-1) } };

        Assert.Throws<ArgumentException>(() => DestinationTable.Create(none, Lb.Equal(2)));
        Assert.Throws<ArgumentException>(() => DestinationTable.Create(path, Lb.Equal(2)));
        Assert.Throws<ArgumentException>(() => DestinationTable.Create(age, Lb.Equal(2)));
    }

    [Fact]
    public void Create_Sticky_RejectsDuplicateDestinationNames()
    {
        DestinationState[] destinations = [.. Lb.Equal(2), new DestinationState("a", new System.Net.IPEndPoint(0, 1))];

        Assert.Throws<ArgumentException>(() => DestinationTable.Create(Sticky, destinations));
    }

    private static TestRouteInput CookieFor(DestinationState destination) =>
        TestRouteInput.WithCookie($"theme=dark; srv={StickySessionModel.GetCookieValue(destination)}");
}
