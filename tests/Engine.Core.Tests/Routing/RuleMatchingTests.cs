using System.Text;
using Engine.Core.Routing;

namespace Engine.Core.Tests.Routing;

/// <summary>
/// What each matcher and operator means. Every case runs through the compiled table (class and
/// struct input) and the interpreter, which must agree (see <see cref="Routes.Match"/>).
/// </summary>
public class RuleMatchingTests
{
    [Theory]
    [InlineData("example.com", true)]
    [InlineData("EXAMPLE.com", true)]
    [InlineData("example.com:8080", true)]
    [InlineData("example.com.", true)]
    [InlineData("  example.com\t", true)]
    [InlineData("www.example.com", false)]
    [InlineData("example.co", false)]
    [InlineData("", false)]
    public void Match_ExactHost_IgnoresCasePortAndTrailingDot(string host, bool expected)
        => Assert.Equal(expected, Routes.Matches("Host(`Example.COM`)", new TestRequest(host)));

    [Fact]
    public void Match_HostRuleWithTrailingDot_MatchesHostWithout()
        => Assert.True(Routes.Matches("Host(`example.com.`)", new TestRequest("example.com")));

    [Theory]
    [InlineData("a.example.com", true)]
    [InlineData("API.Example.Com:443", true)]
    [InlineData("a.example.com.", true)]
    [InlineData("example.com", false)]
    [InlineData("a.b.example.com", false)]
    [InlineData(".example.com", false)]
    [InlineData("aexample.com", false)]
    public void Match_WildcardHost_MatchesOneLabelOnly(string host, bool expected)
        => Assert.Equal(expected, Routes.Matches("Host(`*.example.com`)", new TestRequest(host)));

    [Theory]
    [InlineData("[::1]:8080", true)]
    [InlineData("[::1]", true)]
    [InlineData("::1", true)]
    [InlineData("[::2]", false)]
    public void Match_IPv6LiteralHost_IgnoresBracketsAndPort(string host, bool expected)
        => Assert.Equal(expected, Routes.Matches("Host(`[::1]`)", new TestRequest(host)));

    [Fact]
    public void Match_HostHeaderAlias_IsHost()
        => Assert.True(Routes.Matches("HostHeader(`example.com`)", new TestRequest("EXAMPLE.COM")));

    [Theory]
    [InlineData("api.example.com", true)]
    [InlineData("API.EXAMPLE.COM:80", true)]
    [InlineData("example.com", false)]
    public void Match_HostRegexp_SeesLowercaseHostWithoutPort(string host, bool expected)
        => Assert.Equal(expected, Routes.Matches("HostRegexp(`^[a-z]+\\.example\\.com$`)", new TestRequest(host)));

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
    public void Match_HostRegexp_IsUnanchored()
        => Assert.True(Routes.Matches("HostRegexp(`example`)", new TestRequest("www.example.org")));

    [Theory]
    [InlineData("/health", true)]
    [InlineData("/health/", false)]
    [InlineData("/Health", false)]
    [InlineData("/healthz", false)]
    public void Match_Path_IsExactAndCaseSensitive(string path, bool expected)
        => Assert.Equal(expected, Routes.Matches("Path(`/health`)", new TestRequest(path: path)));

    [Theory]
    [InlineData("/api", true)]
    [InlineData("/api/v1", true)]
    [InlineData("/apix", true)]
    [InlineData("/ap", false)]
    [InlineData("/API", false)]
    public void Match_PathPrefix_IsAPlainBytePrefix(string path, bool expected)
        => Assert.Equal(expected, Routes.Matches("PathPrefix(`/api`)", new TestRequest(path: path)));

    [Theory]
    [InlineData("/img/a.png", true)]
    [InlineData("/img/a.PNG", false)]
    [InlineData("/img/a.png/x", false)]
    public void Match_PathRegexp_MatchesAnywhereUnlessAnchored(string path, bool expected)
        => Assert.Equal(expected, Routes.Matches("PathRegexp(`\\.(jpe?g|png)$`)", new TestRequest(path: path)));

    [Theory]
    [InlineData("GET", true)]
    [InlineData("get", false)]
    [InlineData("POST", false)]
    public void Match_Method_UppercasesTheRuleButNotTheRequest(string method, bool expected)
        => Assert.Equal(expected, Routes.Matches("Method(`get`)", new TestRequest(method: method)));

    [Fact]
    public void Match_Header_NameIgnoresCaseValueIsExact()
    {
        Assert.True(Routes.Matches("Header(`X-Env`, `prod`)", new TestRequest().WithHeader("x-env", "prod")));
        Assert.True(Routes.Matches("Header(`X-Env`, `prod`)", new TestRequest().WithHeader("X-ENV", " prod\t")));
        Assert.False(Routes.Matches("Header(`X-Env`, `prod`)", new TestRequest().WithHeader("X-Env", "Prod")));
        Assert.False(Routes.Matches("Header(`X-Env`, `prod`)", new TestRequest().WithHeader("X-Envy", "prod")));
        Assert.True(Routes.Matches("Header(`X-Env`, `prod`)", new TestRequest().WithHeader("X-Env", "dev").WithHeader("X-Env", "prod")));
        Assert.False(Routes.Matches("Header(`X-Env`, `prod`)", new TestRequest().WithHeader("X-Env", "dev, prod")));
    }

    [Fact]
    public void Match_HeadersAlias_IsHeader()
        => Assert.True(Routes.Matches("Headers(`X-Env`, `prod`)", new TestRequest().WithHeader("X-Env", "prod")));

    [Fact]
    public void Match_HeaderRegexp_TriesEveryValueOfTheHeader()
    {
        const string rule = "HeaderRegexp(`Content-Type`, `^application/(json|yaml)$`)";
        Assert.True(Routes.Matches(rule, new TestRequest().WithHeader("content-type", "application/yaml")));
        Assert.True(Routes.Matches(rule, new TestRequest().WithHeader("Content-Type", "text/plain").WithHeader("Content-Type", "application/json")));
        Assert.False(Routes.Matches(rule, new TestRequest().WithHeader("Content-Type", "application/xml")));
        Assert.True(Routes.Matches("HeadersRegexp(`X-Name`, `^é`)", new TestRequest().WithHeader("X-Name", "élan")));
    }

    [Theory]
    [InlineData("mobile=true", true)]
    [InlineData("a=1&mobile=true", true)]
    [InlineData("mobile=false&mobile=true", true)]
    [InlineData("mobile=tru%65", true)]
    [InlineData("mobil%65=true", true)]
    [InlineData("mobile=true;x", false)]
    [InlineData("mobile=true%", false)]
    [InlineData("mobile=truex", false)]
    [InlineData("mobile", false)]
    [InlineData("", false)]
    public void Match_QueryWithValue_DecodesAsGoDoes(string query, bool expected)
        => Assert.Equal(expected, Routes.Matches("Query(`mobile`, `true`)", new TestRequest(query: query)));

    [Theory]
    [InlineData("q=a+b", true)]
    [InlineData("q=a%20b", true)]
    [InlineData("q=a b", true)]
    [InlineData("q=a%2Bb", false)]
    public void Match_QueryPlus_IsASpace(string query, bool expected)
        => Assert.Equal(expected, Routes.Matches("Query(`q`, `a b`)", new TestRequest(query: query)));

    [Theory]
    [InlineData("debug", true)]
    [InlineData("debug=", true)]
    [InlineData("x=1&debug", true)]
    [InlineData("debug=1", false)]
    [InlineData("", false)]
    public void Match_QueryWithOnlyAKey_NeedsTheKeyWithAnEmptyValueAsTraefikDoes(string query, bool expected)
        => Assert.Equal(expected, Routes.Matches("Query(`debug`)", new TestRequest(query: query)));

    [Theory]
    [InlineData("v=12", true)]
    [InlineData("v=x&v=7", true)]
    [InlineData("v=%31", true)]
    [InlineData("v=x", false)]
    [InlineData("w=1", false)]
    public void Match_QueryRegexp_MatchesDecodedValues(string query, bool expected)
        => Assert.Equal(expected, Routes.Matches("QueryRegexp(`v`, `^[0-9]+$`)", new TestRequest(query: query)));

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("11.0.0.1", false)]
    [InlineData("::1", false)]
    public void Match_ClientIPv4Cidr_AlsoCoversMappedAddresses(string address, bool expected)
        => Assert.Equal(expected, Routes.Matches("ClientIP(`10.0.0.0/8`)", new TestRequest().From(address)));

    [Theory]
    [InlineData("2001:db8::1", true)]
    [InlineData("2001:db8:ffff::1", true)]
    [InlineData("2001:db9::1", false)]
    [InlineData("10.0.0.1", false)]
    public void Match_ClientIPv6Cidr_MatchesItsNetworkOnly(string address, bool expected)
        => Assert.Equal(expected, Routes.Matches("ClientIP(`2001:DB8::/32`)", new TestRequest().From(address)));

    [Fact]
    public void Match_ClientIPWithHostBitsSet_MasksThemAsGoDoes()
    {
        Assert.True(Routes.Matches("ClientIP(`192.168.1.77/24`)", new TestRequest().From("192.168.1.1")));
        Assert.True(Routes.Matches("ClientIP(`192.168.1.77`)", new TestRequest().From("192.168.1.77")));
        Assert.False(Routes.Matches("ClientIP(`192.168.1.77`)", new TestRequest().From("192.168.1.78")));
        Assert.False(Routes.Matches("ClientIP(`0.0.0.0/0`)", new TestRequest()));
        Assert.True(Routes.Matches("ClientIP(`0.0.0.0/0`)", new TestRequest().From("203.0.113.9")));
        Assert.True(Routes.Matches("ClientIP(`::ffff:10.9.9.0/120`)", new TestRequest().From("10.9.9.200")));
        Assert.False(Routes.Matches("ClientIP(`::ffff:10.9.9.0/120`)", new TestRequest().From("10.9.8.1")));
    }

    [Fact]
    public void Match_Operators_FollowPrecedence()
    {
        var request = new TestRequest("b.com", "/x");
        Assert.True(Routes.Matches("Host(`a.com`) || Host(`b.com`) && Path(`/x`)", request));
        Assert.False(Routes.Matches("(Host(`a.com`) || Host(`b.com`)) && Path(`/y`)", request));
        Assert.True(Routes.Matches("!Host(`a.com`) && Path(`/x`)", request));
        Assert.False(Routes.Matches("!(Host(`b.com`) || Path(`/y`))", request));
        Assert.True(Routes.Matches("!!Host(`b.com`)", request));
        Assert.True(Routes.Matches("Host(`a.com`) && Path(`/y`) || !Method(`POST`)", request));
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
    public void Match_RegexInputLongerThanCap_DoesNotMatch()
    {
        var options = new RuleParserOptions { MaxRegexInputLength = 16 };
        RouteDefinition<string>[] routes = Routes.Of(("r", "PathRegexp(`^/a+$`)"), ("n", "!PathRegexp(`^/a+$`) && Method(`GET`)"));
        RouteTable<string> table = RouteTable.Compile(routes, options);
        Assert.True(table.TryMatch(new TestRequest(path: "/" + new string('a', 15)), out string? name));
        Assert.Equal("r", name);
        Assert.True(table.TryMatch(new TestRequest(path: "/" + new string('a', 16)), out name));
        Assert.Equal("n", name);
        Assert.True(RouteInterpreter.Create(routes, options).TryMatch(new TestRequest(path: "/" + new string('a', 16)), out name));
        Assert.Equal("n", name);
    }

    [Fact]
    public void Match_LongRegexInput_UsesPooledBuffer()
    {
        string path = "/" + new string('b', 1000) + "/end";
        Assert.True(Routes.Matches("PathRegexp(`/end$`)", new TestRequest(path: path)));
        Assert.True(Routes.Matches("QueryRegexp(`k`, `z$`)", new TestRequest(query: "k=" + new string('y', 600) + "z")));
    }

    [Fact]
    public void Match_InvalidUtf8InHeader_IsReplacedNotThrown()
    {
        TestRequest request = new TestRequest().WithHeaderBytes("X-Bin", [0xC3, 0x28, (byte)'o', (byte)'k']);
        Assert.True(Routes.Matches("HeaderRegexp(`X-Bin`, `\\x{FFFD}\\(ok$`)".Replace("\\x{FFFD}", "\uFFFD"), request));
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
