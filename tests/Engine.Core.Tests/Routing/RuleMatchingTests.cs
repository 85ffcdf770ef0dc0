using Engine.Core.Routing;
using Engine.TestSupport.Routing;

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
        Assert.True(Routes.Matches("HeaderRegexp(`X-Bin`, `^\uFFFD\\(ok$`)", request));
    }
}
