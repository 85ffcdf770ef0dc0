using System.Text;
using Engine.Core.Routing;

namespace Engine.Core.Tests.Routing;

/// <summary>
/// How a table chooses among routes (priority, ties, host buckets merged with host-agnostic
/// routes, indexing fallbacks) and how it reports itself. Cases run through both the compiled
/// table and the interpreter where <see cref="Routes.Match"/> is used.
/// </summary>
public class RouteTableTests
{
    [Theory]
    [InlineData("api.example.com", "exact")]
    [InlineData("API.example.com:8443", "exact")]
    [InlineData("api.example.com\n", "label")]
    [InlineData("api.example.com.", null)]
    [InlineData("x-1.example.com", "label")]
    [InlineData("x.y.example.com", null)]
    [InlineData("example.com", null)]
    public void Match_AnchoredLiteralHostRegexp_IsIndexedButStillExact(string host, string? expected)
    {
        // "label" is longer, so it ranks first; "\n" is not the host api.example.com, and .NET's
        // '$' matches before a final '\n', so the label regex takes that request.
        RouteDefinition<string>[] routes = Routes.Of(
            ("exact", "HostRegexp(`^api\\.example\\.com$`)"),
            ("label", "HostRegexp(`^[a-z0-9-]+\\.example\\.com$`) && !Host(`api.example.com`)"));
        Assert.Equal(expected, Routes.Match(routes, new TestRequest(host)));
        string table = RouteTable.Compile(routes).Describe();
        Assert.Contains("host api.example.com\n", table, StringComparison.Ordinal);
        Assert.Contains("host *.example.com\n", table, StringComparison.Ordinal);
        Assert.DoesNotContain("any host\n  any path", table, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("^api\\.example\\.com$", "api.example.com", false)]
    [InlineData("^[a-z]+\\.example\\.com$", "example.com", true)]
    [InlineData("^[^.]+\\.test$", "test", true)]
    [InlineData("^api\\.example\\.com", null, false)]
    [InlineData("^API\\.example\\.com$", null, false)]
    [InlineData("^api.example\\.com$", null, false)]
    [InlineData("^[a-z.]+\\.example\\.com$", null, false)]
    [InlineData("(?i)^api\\.example\\.com$", null, false)]
    [InlineData("^a\\.b\\$", null, false)]
    public void TryLiteralHostPattern_RecognisesOnlyPlainHostsAndLabels(string pattern, string? key, bool wildcard)
    {
        Assert.Equal(key is not null, RuleCompiler.TryLiteralHostPattern(pattern, out string? actualKey, out bool actualWildcard));
        Assert.Equal(key, actualKey);
        Assert.Equal(wildcard, key is not null && actualWildcard);
    }

    [Fact]
    public void Match_HighestPriorityWins_DefaultIsRuleLength()
    {
        RouteDefinition<string>[] routes = Routes.Of(
            ("short", "PathPrefix(`/`)"),
            ("longer", "PathPrefix(`/api`)"),
            ("longest", "Host(`a.com`) && PathPrefix(`/api`)"));
        Assert.Equal("longest", Routes.Match(routes, new TestRequest("a.com", "/api/x")));
        Assert.Equal("longer", Routes.Match(routes, new TestRequest("b.com", "/api/x")));
        Assert.Equal("short", Routes.Match(routes, new TestRequest("b.com", "/other")));
    }

    [Fact]
    public void Match_ExplicitPriority_Overrides_AndZeroMeansDefault()
    {
        RouteDefinition<string>[] routes =
        [
            new("catch-all", "PathPrefix(`/`)", 1000, "catch-all"),
            new("api", "Host(`a.com`) && PathPrefix(`/api`)", null, "api"),
            new("auth", "PathPrefix(`/auth`)", 0, "auth"),
            new("low", "PathPrefix(`/auth`)", 1, "low"),
        ];
        Assert.Equal("catch-all", Routes.Match(routes, new TestRequest("a.com", "/api")));
        RouteDefinition<string>[] withoutCatchAll = routes[1..];
        Assert.Equal("auth", Routes.Match(withoutCatchAll, new TestRequest("a.com", "/auth/login")));
        Assert.Equal(["api", "auth", "low"], RouteTable.Compile(withoutCatchAll).Order);
    }

    [Fact]
    public void Match_EqualPriority_BreaksTiesByNameOrdinal()
    {
        RouteDefinition<string>[] routes = Routes.Of(("b", "PathPrefix(`/x`)"), ("B", "PathPrefix(`/y`)"), ("a", "PathPrefix(`/z`)"));
        Assert.Equal(["B", "a", "b"], RouteTable.Compile(routes).Order);
        RouteDefinition<string>[] same = Routes.Of(("zeta", "PathPrefix(`/`)"), ("alpha", "PathPrefix(`/`)"));
        Assert.Equal("alpha", Routes.Match(same, new TestRequest()));
    }

    [Fact]
    public void Match_HostSpecificAndHostAgnosticRoutes_MergeByPriority()
    {
        RouteDefinition<string>[] routes =
        [
            new("host-low", "Host(`a.com`)", 1, "host-low"),
            new("any-mid", "PathPrefix(`/`)", 5, "any-mid"),
            new("wild-high", "Host(`*.a.com`)", 9, "wild-high"),
            new("regex-top", "HostRegexp(`^x\\.`)", 10, "regex-top"),
        ];
        Assert.Equal("any-mid", Routes.Match(routes, new TestRequest("a.com")));
        Assert.Equal("wild-high", Routes.Match(routes, new TestRequest("w.a.com")));
        Assert.Equal("regex-top", Routes.Match(routes, new TestRequest("x.a.com")));
    }

    [Fact]
    public void Match_NoRouteMatches_ReturnsFalse()
    {
        RouteTable<string> table = RouteTable.Compile(Routes.Of(("a", "Host(`a.com`)")));
        Assert.False(table.TryMatch(new TestRequest("b.com"), out string? target));
        Assert.Null(target);
        Assert.False(RouteTable.Compile(Array.Empty<RouteDefinition<string>>()).TryMatch(new TestRequest(), out _));
    }

    [Fact]
    public void Match_TryMatchWithName_NamesTheRouter()
    {
        RouteTable<int> table = RouteTable.Compile([new RouteDefinition<int>("api", "PathPrefix(`/api`)", null, 7)]);
        Assert.True(table.TryMatch(new TestRequest(path: "/api"), out int target, out string name));
        Assert.Equal(7, target);
        Assert.Equal("api", name);
    }

    [Fact]
    public void Match_InvalidRoutes_AreAllReported()
    {
        RouteTableException error = Assert.Throws<RouteTableException>(() => RouteTable.Compile(Routes.Of(
            ("ok", "Path(`/`)"), ("typo", "PathPrefx(`/`)"), ("ok", "Path(`/x`)"), ("bad", "Host(`a`"))));
        Assert.Equal(3, error.Errors.Count);
        Assert.Equal("router 'typo': unknown matcher 'PathPrefx' at column 1; did you mean PathPrefix?", error.Errors[0].Message);
        Assert.Equal("router 'ok': the name is used twice", error.Errors[1].Message);
        Assert.Equal(9, error.Errors[2].Syntax!.Column);
    }

    [Fact]
    public void Match_ManyPrefixesInOneBucket_UseTheTreeAndStillPickTheBest()
    {
        var routes = new List<(string, string)>();
        foreach (string prefix in new[] { "/", "/a", "/ab", "/abc", "/abd", "/b", "/ba", "/c", "/cat", "/catalog", "/d", "/e" })
        {
            routes.Add(("p" + prefix, $"PathPrefix(`{prefix}`)"));
        }

        routes.Add(("m", "PathPrefix(`/ab`) && Method(`POST`)"));
        RouteDefinition<string>[] definitions = Routes.Of([.. routes]);
        Assert.Equal("p/abc", Routes.Match(definitions, new TestRequest(path: "/abcd")));
        Assert.Equal("m", Routes.Match(definitions, new TestRequest(path: "/abx", method: "POST")));
        Assert.Equal("p/ab", Routes.Match(definitions, new TestRequest(path: "/abx")));
        Assert.Equal("p/catalog", Routes.Match(definitions, new TestRequest(path: "/catalog/1")));
        Assert.Equal("p/cat", Routes.Match(definitions, new TestRequest(path: "/catalo")));
        Assert.Equal("p/", Routes.Match(definitions, new TestRequest(path: "/zzz")));
        Assert.Null(Routes.Match(definitions, new TestRequest(path: "zzz")));
    }

    [Fact]
    public void Match_RuleTooBigForNormalForm_IsStillExact()
    {
        // 2^6 = 64 conjunctions exceed the expansion cap: the rule is kept whole under its host guard.
        string rule = "Host(`a.com`) && " + string.Join(" && ", Enumerable.Range(0, 6).Select(i => $"(Header(`h{i}`, `1`) || Query(`q{i}`, `1`))"));
        var request = new TestRequest("a.com", query: "q0=1&q1=1&q2=1&q3=1&q4=1");
        Assert.False(Routes.Matches(rule, request));
        Assert.True(Routes.Matches(rule, request.WithHeader("h5", "1")));
        Assert.False(Routes.Matches(rule, new TestRequest("b.com", query: "q0=1&q1=1&q2=1&q3=1&q4=1&q5=1")));
        Assert.Contains("host a.com", RouteTable.Compile(Routes.Of(("r", rule))).Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Match_TcpHostSni_ExactWildcardAndCatchAll()
    {
        Assert.True(Routes.MatchesTcp("HostSNI(`db.example.com`)", new TestConnection("DB.example.com")));
        Assert.False(Routes.MatchesTcp("HostSNI(`db.example.com`)", new TestConnection("")));
        Assert.True(Routes.MatchesTcp("HostSNI(`*.example.com`)", new TestConnection("db.example.com")));
        Assert.False(Routes.MatchesTcp("HostSNI(`*.example.com`)", new TestConnection("a.db.example.com")));
        Assert.True(Routes.MatchesTcp("HostSNI(`*`)", new TestConnection("")));
        Assert.False(Routes.MatchesTcp("!HostSNI(`*`)", new TestConnection("x")));
        Assert.True(Routes.MatchesTcp("HostSNIRegexp(`^db[0-9]+\\.`)", new TestConnection("DB7.internal")));
        Assert.True(Routes.MatchesTcp("HostSNI(`a.com`) && ALPN(`h2`)", new TestConnection("a.com", "http/1.1", "h2")));
        Assert.False(Routes.MatchesTcp("HostSNI(`a.com`) && ALPN(`h2`)", new TestConnection("a.com", "http/1.1")));
        Assert.True(Routes.MatchesTcp("HostSNI(`*`) && ClientIP(`10.0.0.0/8`)", new TestConnection().From("10.2.3.4")));
    }

    [Fact]
    public void Match_TcpPriority_PrefersSpecificNameOverCatchAll()
    {
        RouteDefinition<string>[] routes = Routes.Of(("all", "HostSNI(`*`)"), ("db", "HostSNI(`db.example.com`)"));
        TcpRouteTable<string> table = RouteTable.CompileTcp(routes);
        Assert.True(table.TryMatch(new TestConnection("db.example.com"), out string? name));
        Assert.Equal("db", name);
        Assert.True(table.TryMatch(new TestConnection("other"), out name));
        Assert.Equal("all", name);
    }

    [Fact]
    public void Describe_ListsBucketsPathsAndResiduals()
    {
        RouteTable<string> table = RouteTable.Compile(Routes.Of(
            ("api", "Host(`api.example.com`) && PathPrefix(`/v1`) && Method(`GET`)"),
            ("health", "Host(`api.example.com`) && Path(`/health`)"),
            ("wild", "Host(`*.example.com`)"),
            ("fallback", "PathPrefix(`/`)")));
        string expected = new StringBuilder()
            .Append("http route table: 4 routes, 1 exact hosts, 1 wildcard suffixes\n")
            .Append("host api.example.com\n")
            .Append("  path = /health\n")
            .Append("    #1 health (priority 42)\n")
            .Append("  prefix /v1\n")
            .Append("    #0 api (priority 61) if Method(`GET`)\n")
            .Append("host *.example.com\n")
            .Append("  any path\n")
            .Append("    #2 wild (priority 21)\n")
            .Append("any host\n")
            .Append("  prefix /\n")
            .Append("    #3 fallback (priority 15)\n")
            .ToString();
        Assert.Equal(expected, table.Describe());
        Assert.Contains("sni db.example.com", RouteTable.CompileTcp(Routes.Of(("db", "HostSNI(`db.example.com`)"))).Describe(), StringComparison.Ordinal);
    }
}
