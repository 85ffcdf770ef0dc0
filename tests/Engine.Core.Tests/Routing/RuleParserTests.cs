using Engine.Core.Routing;

namespace Engine.Core.Tests.Routing;

public class RuleParserTests
{
    public static TheoryData<string, string> ValidRules => new()
    {
        // Every HTTP matcher, printed back in canonical form.
        { "Host(`example.com`)", "Host(`example.com`)" },
        { "Host(`*.example.com`)", "Host(`*.example.com`)" },
        { "HostRegexp(`^[a-z]+\\.example\\.com$`)", "HostRegexp(`^[a-z]+\\.example\\.com$`)" },
        { "Path(`/health`)", "Path(`/health`)" },
        { "PathPrefix(`/api`)", "PathPrefix(`/api`)" },
        { "PathRegexp(`\\.(jpe?g|png)$`)", "PathRegexp(`\\.(jpe?g|png)$`)" },
        { "Method(`GET`)", "Method(`GET`)" },
        { "Header(`X-Env`, `prod`)", "Header(`X-Env`, `prod`)" },
        { "HeaderRegexp(`Content-Type`, `^application/json`)", "HeaderRegexp(`Content-Type`, `^application/json`)" },
        { "Query(`mobile`, `true`)", "Query(`mobile`, `true`)" },
        { "Query(`debug`)", "Query(`debug`)" },
        { "QueryRegexp(`v`, `^[0-9]+$`)", "QueryRegexp(`v`, `^[0-9]+$`)" },
        { "ClientIP(`10.0.0.0/8`)", "ClientIP(`10.0.0.0/8`)" },
        { "ClientIP(`2001:db8::/32`)", "ClientIP(`2001:db8::/32`)" },
        { "ClientIP(`::1`)", "ClientIP(`::1`)" },

        // v2 aliases used by the seeds.
        { "Headers(`X-Env`, `prod`)", "Headers(`X-Env`, `prod`)" },
        { "HeadersRegexp(`X-Env`, `^p`)", "HeadersRegexp(`X-Env`, `^p`)" },
        { "HostHeader(`example.com`)", "HostHeader(`example.com`)" },

        // Operators and precedence: ! binds tighter than &&, && tighter than ||.
        { "Host(`a.com`) && PathPrefix(`/v1`)", "(Host(`a.com`) && PathPrefix(`/v1`))" },
        { "Host(`a.com`) || Host(`b.com`) && Path(`/x`)", "(Host(`a.com`) || (Host(`b.com`) && Path(`/x`)))" },
        { "Host(`a.com`) && Path(`/x`) || Host(`b.com`)", "((Host(`a.com`) && Path(`/x`)) || Host(`b.com`))" },
        { "(Host(`a.com`) || Host(`b.com`)) && Path(`/x`)", "((Host(`a.com`) || Host(`b.com`)) && Path(`/x`))" },
        { "!Path(`/x`) && Method(`GET`)", "(!Path(`/x`) && Method(`GET`))" },
        { "!(Path(`/x`) || Method(`GET`))", "!(Path(`/x`) || Method(`GET`))" },
        { "!!Path(`/x`)", "!!Path(`/x`)" },
        { "Method(`GET`) && Method(`GET`) && Method(`GET`)", "(Method(`GET`) && Method(`GET`) && Method(`GET`))" },

        // Quoting and white space.
        { "Host(\"example.com\")", "Host(`example.com`)" },
        { "Header(\"X-Q\", \"a\\\"b\\\\c\")", "Header(`X-Q`, `a\"b\\c`)" },
        { "Header(`X-Q`, \"has`tick\")", "Header(`X-Q`, \"has`tick\")" },
        { "  Host( `a.com` )\n\t&&\r\nPath(\t`/` ) ", "(Host(`a.com`) && Path(`/`))" },

        // Traefik's name forms: lower, UPPER, Title.
        { "pathprefix(`/a`)", "pathprefix(`/a`)" },
        { "PATHPREFIX(`/a`)", "PATHPREFIX(`/a`)" },
        { "Pathprefix(`/a`)", "Pathprefix(`/a`)" },
    };

    [Theory]
    [MemberData(nameof(ValidRules))]
    public void Parse_ValidRule_PrintsCanonicalForm(string rule, string canonical)
        => Assert.Equal(canonical, RuleParser.Parse(rule).ToString());

    public static TheoryData<string, int, string> MalformedRules => new()
    {
        { "PathPrefx(`/api`)", 1, "unknown matcher 'PathPrefx' at column 1; did you mean PathPrefix?" },
        { "Host(`a.com`) && pathPrefix(`/a`)", 18, "unknown matcher 'pathPrefix' at column 18; did you mean PathPrefix?" },
        { "Hots(`a.com`)", 1, "unknown matcher 'Hots' at column 1; did you mean Host?" },
        { "Frobnicate(`x`)", 1, "unknown matcher 'Frobnicate' at column 1" },
        { "", 1, "empty rule at column 1; write a matcher such as Host(`example.com`)" },
        { "   ", 4, "empty rule at column 4; write a matcher such as Host(`example.com`)" },
        { "Host(`a.com`) &&", 17, "expected a matcher but found end of rule at column 17" },
        { "Host(`a.com`) && || Path(`/`)", 18, "expected a matcher but found '||' at column 18" },
        { "Host(`a.com`) & Path(`/`)", 15, "expected '&&' but found '&' at column 15; write && for and" },
        { "Host(`a.com`) | Path(`/`)", 15, "expected '||' but found '|' at column 15; write || for or" },
        { "Host(`a.com`) Path(`/`)", 15, "expected '&&' or '||' but found 'Path' at column 15; join matchers with && or ||" },
        { "Host(`a.com`) and Path(`/`)", 15, "expected '&&' or '||' but found 'and' at column 15; join matchers with && or ||" },
        { "(Host(`a.com`) && Path(`/`)", 28, "expected ')' but found end of rule at column 28; the '(' at column 1 is not closed" },
        { "Host(`a.com`))", 14, "unexpected ')' at column 14; no '(' is open here" },
        { "(Host(`a.com`) Path(`/`))", 16, "expected '&&', '||' or ')' but found 'Path' at column 16; join matchers with && or ||" },
        { "Host", 5, "expected '(' after 'Host' but found end of rule at column 5" },
        { "Host(`a.com`", 13, "expected ',' or ')' but found end of rule at column 13" },
        { "Host(a.com)", 6, "expected a quoted value but found 'a' at column 6; quote values with backticks or double quotes, e.g. Host(`example.com`)" },
        { "Host('a.com')", 6, "unexpected character ''' at column 6; quote values with backticks or double quotes, e.g. Host(`example.com`)" },
        { "Host(`a.com)", 6, "unterminated value at column 6; close it with a backtick (`)" },
        { "Host(\"a.com)", 6, "unterminated value at column 6; close it with a double quote (\")" },
        { "PathRegexp(\"\\d+\")", 13, "unsupported escape '\\d' in a double-quoted value at column 13; double quotes take only \\\\ \\\" \\n \\r \\t; write regular expressions in backticks, e.g. PathRegexp(`^/v[0-9]+/`)" },
        { "`a.com`", 1, "expected a matcher but found a quoted value at column 1; values go inside a matcher, e.g. Host(`example.com`)" },
        { "Host(`a.com` `b.com`)", 14, "expected ',' or ')' but found a quoted value at column 14" },
        { "Host(`a.com`, `b.com`)", 1, "Host takes 1 value but got 2 at column 1; Traefik v3 takes one value per matcher: combine them with ||, e.g. Host(`a`) || Host(`b`)" },
        { "PathPrefix(`/a`, `/b`)", 1, "PathPrefix takes 1 value but got 2 at column 1; Traefik v3 takes one value per matcher: combine them with ||, e.g. PathPrefix(`a`) || PathPrefix(`b`)" },
        { "Method()", 1, "Method takes 1 value but got 0 at column 1" },
        { "Header(`X-Env`)", 1, "Header takes 2 values but got 1 at column 1" },
        { "Query(`a`, `b`, `c`)", 1, "Query takes 1 or 2 values but got 3 at column 1" },
        { "Path(`api`)", 6, "Path value 'api' does not start with '/' at column 6; write Path(`/api`)" },
        { "PathPrefix(`api`)", 12, "PathPrefix value 'api' does not start with '/' at column 12; write PathPrefix(`/api`)" },
        { "Host(``)", 6, "Host value is empty at column 6" },
        { "Host(`exa mple.com`)", 10, "'exa mple.com' is not a valid host name at column 10" },
        { "Host(`a.*.com`)", 9, "'*' may only start a Host value, as '*.' followed by a domain at column 9; use HostRegexp for other patterns" },
        { "Host(`*`)", 7, "'*' may only start a Host value, as '*.' followed by a domain at column 7; use HostRegexp for other patterns" },
        { "Host(`example.com:8080`)", 6, "Host value 'example.com:8080' includes a port at column 6; host matching ignores the port: write Host(`example.com`)" },
        { "Host(`bücher.de`)", 6, "Host value must be ASCII at column 6; write internationalised names in punycode (xn--...)" },
        { "Host(`a..com`)", 6, "'a..com' is not a valid host name at column 6; a host name has no empty labels" },
        { "Method(`GE T`)", 8, "Method value 'GE T' is not an HTTP method at column 8; methods are tokens such as GET or POST" },
        { "Header(`X Env`, `v`)", 8, "Header value 'X Env' is not a header name at column 8" },
        { "ClientIP(`10.0.0.300`)", 10, "invalid ClientIP value: '10.0.0.300' is not an IPv4 or IPv6 address at column 10; write an address or a CIDR network, e.g. ClientIP(`10.0.0.0/8`) or ClientIP(`2001:db8::/32`)" },
        { "ClientIP(`10.0.0.0/33`)", 10, "invalid ClientIP value: '/33' is not a prefix length between 0 and 32 at column 10; write an address or a CIDR network, e.g. ClientIP(`10.0.0.0/8`) or ClientIP(`2001:db8::/32`)" },
        { "ClientIP(`10.1`)", 10, "invalid ClientIP value: '10.1' is not an IPv4 or IPv6 address at column 10; write an address or a CIDR network, e.g. ClientIP(`10.0.0.0/8`) or ClientIP(`2001:db8::/32`)" },
        { "PathRegexp(`(a`)", 12, "PathRegexp(`(a`): invalid regular expression at column 12: not enough )'s" },
        { "PathRegexp(`(a)\\1`)", 12, "PathRegexp(`(a)\\1`): regular expression not supported by the linear-time engine at column 12: it contains a backreference (\\ number); backreferences, lookarounds and atomic groups are not available (as in Traefik's RE2)" },
        { "HostRegexp(`{sub:[a-z]+}.example.com`)", 12, "HostRegexp(`{sub:[a-z]+}.example.com`): the v2 '{name:regex}' variable syntax is not supported at column 12; Traefik v3 takes a plain regular expression, e.g. HostRegexp(`^[a-z]+\\.example\\.com$`)" },
        { "HostSNI(`a.com`)", 1, "'HostSNI' is a TCP matcher and cannot be used in an HTTP rule at column 1" },
        { "Host(`a.com`) && #", 18, "unexpected character '#' at column 18" },
    };

    [Theory]
    [MemberData(nameof(MalformedRules))]
    public void Parse_MalformedRule_ThrowsWithMessageAndColumn(string rule, int column, string message)
    {
        RuleSyntaxException error = Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse(rule));
        Assert.Equal(message, error.Message);
        Assert.Equal(column, error.Column);
        Assert.Equal(rule, error.Rule);
    }

    [Fact]
    public void Parse_UnknownMatcher_ExposesExpectationAndHintSeparately()
    {
        RuleSyntaxException error = Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse("PathPrefx(`/api`)"));
        Assert.Equal("unknown matcher 'PathPrefx'", error.Problem);
        Assert.Equal("a matcher", error.Expected);
        Assert.Equal("did you mean PathPrefix?", error.Hint);
    }

    public static TheoryData<string, int, string> MalformedTcpRules => new()
    {
        { "Host(`a.com`)", 1, "'Host' is an HTTP matcher and cannot be used in a TCP rule at column 1" },
        { "HostSNl(`a.com`)", 1, "unknown matcher 'HostSNl' at column 1; did you mean HostSNI?" },
        { "ALPN(`acme-tls/1`)", 6, "ALPN value 'acme-tls/1' is reserved at column 6; the ACME TLS-ALPN-01 challenge is answered by the certificate resolver, not by a router" },
        { "HostSNI(``)", 9, "HostSNI value is empty at column 9; write HostSNI(`*`) to match every connection" },
        { "HostSNI(`a_b.com`)", 11, "'a_b.com' is not a valid host name at column 11" },
        { "HostSNI(`*.a_b.com`)", 13, "'*.a_b.com' is not a valid host name at column 13" },
        { "HostSNI(`a.com`, `b.com`)", 1, "HostSNI takes 1 value but got 2 at column 1; Traefik v3 takes one value per matcher: combine them with ||, e.g. HostSNI(`a`) || HostSNI(`b`)" },
    };

    [Theory]
    [MemberData(nameof(MalformedTcpRules))]
    public void Parse_MalformedTcpRule_ThrowsWithMessageAndColumn(string rule, int column, string message)
    {
        RuleSyntaxException error = Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse(rule, RuleKind.Tcp));
        Assert.Equal(message, error.Message);
        Assert.Equal(column, error.Column);
    }

    [Theory]
    [InlineData("HostSNI(`*`)")]
    [InlineData("HostSNI(`*.example.com`) && ALPN(`h2`)")]
    [InlineData("HostSNIRegexp(`^db[0-9]+\\.internal$`) || ClientIP(`192.168.0.0/16`)")]
    public void Parse_TcpRule_Accepted(string rule) => RuleParser.Parse(rule, RuleKind.Tcp);

    [Fact]
    public void Parse_RegexLongerThanCap_IsRejected()
    {
        var options = new RuleParserOptions { MaxRegexPatternLength = 8 };
        RuleSyntaxException error = Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse("PathRegexp(`^/abcdefgh`)", RuleKind.Http, options));
        Assert.Equal("PathRegexp(`^/abcdefgh`): regular expression is 10 characters long, more than the limit of 8 at column 12", error.Message);
    }

    [Fact]
    public void Parse_NestingDeeperThanCap_IsRejected()
    {
        string rule = new string('(', 40) + "Path(`/`)" + new string(')', 40);
        RuleSyntaxException error = Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse(rule));
        Assert.Equal("rule nests deeper than 32 levels at column 33", error.Message);
        Assert.Equal("Path(`/`)", RuleParser.Parse(new string('(', 32) + "Path(`/`)" + new string(')', 32)).ToString());
    }

    [Fact]
    public void Parse_RuleLongerThanCap_IsRejected()
    {
        var options = new RuleParserOptions { MaxRuleLength = 10 };
        RuleSyntaxException error = Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse("Path(`/abcdef`)", RuleKind.Http, options));
        Assert.Equal("rule is 15 characters long, more than the limit of 10 at column 1", error.Message);
    }

    [Fact]
    public void Parse_LongAndChain_IsOneFlatNode()
    {
        string rule = string.Join(" && ", Enumerable.Repeat("Method(`GET`)", 500));
        RuleAnd and = Assert.IsType<RuleAnd>(RuleParser.Parse(rule));
        Assert.Equal(500, and.Terms.Count);
    }

    [Fact]
    public void Parse_HostValue_IsNormalised()
    {
        RuleMatcher upper = Assert.IsType<RuleMatcher>(RuleParser.Parse("Host(`API.Example.COM.`)"));
        Assert.Equal("api.example.com", upper.Value);
        RuleMatcher bracketed = Assert.IsType<RuleMatcher>(RuleParser.Parse("Host(`[2001:DB8::1]`)"));
        Assert.Equal("2001:db8::1", bracketed.Value);
        RuleMatcher method = Assert.IsType<RuleMatcher>(RuleParser.Parse("Method(`get`)"));
        Assert.Equal("GET", method.Value);
    }

    [Fact]
    public void Parse_GoRegexSpellings_AreTranslated()
    {
        RuleMatcher named = Assert.IsType<RuleMatcher>(RuleParser.Parse("PathRegexp(`^/(?P<id>[0-9]+)$`)"));
        Assert.Matches(named.Regex!, "/42");
        RuleMatcher posix = Assert.IsType<RuleMatcher>(RuleParser.Parse("HostRegexp(`^[[:alnum:]-]+\\.example\\.com$`)"));
        Assert.Matches(posix.Regex!, "a-1.example.com");
        Assert.DoesNotMatch(posix.Regex!, "a_1.example.com");
        Assert.True(posix.Regex!.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));
    }

    [Fact]
    public void Parse_QueryRegexpWithOnlyAKey_IsQuery()
    {
        RuleMatcher matcher = Assert.IsType<RuleMatcher>(RuleParser.Parse("QueryRegexp(`debug`)"));
        Assert.Equal(MatcherKind.Query, matcher.Kind);
        Assert.Equal("", matcher.Value);
    }

    [Fact]
    public void Suggest_Levenshtein_CountsEditsAndIgnoresFarNames()
    {
        Assert.Equal(1, MatcherCatalog.Levenshtein("pathprefx", "pathprefix"));
        Assert.Equal(3, MatcherCatalog.Levenshtein("kitten", "sitting"));
        Assert.Equal(1, MatcherCatalog.Levenshtein("hots", "host"));
        Assert.Null(MatcherCatalog.Suggest(RuleKind.Http, "Zzz"));
    }
}
