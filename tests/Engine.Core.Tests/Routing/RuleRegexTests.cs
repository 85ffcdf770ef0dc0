using System.Text.RegularExpressions;
using Engine.Core.Routing;

namespace Engine.Core.Tests.Routing;

/// <summary>
/// Regexes are validated at parse time and most are built on first use. These tests hold the
/// line between the two: what the NonBacktracking engine refuses must still fail the parse
/// (with its column), and what is deferred must construct when first used.
/// </summary>
public class RuleRegexTests
{
    public static TheoryData<string> RefusedByLinearEngine =>
    [
        "(?=a)b", "(?!a)b", "(?<=a)b", "(?<!a)b", "(?>a+)b", "(a)\\1", "(?<x>a)\\k<x>",
        "(?(a)b|c)", "(?<x>a)(?<y-x>b)", "\\Ga",
        // Over the automaton size limit: nested '+' doubles it each level, {n} multiplies it.
        "((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+", "(a{100}){200}",
    ];

    [Theory]
    [MemberData(nameof(RefusedByLinearEngine))]
    public void Parse_PatternTheLinearEngineRefuses_FailsWithColumn(string pattern)
    {
        Assert.Throws<NotSupportedException>(() => new Regex(pattern, RuleRegex.Options));
        RuleSyntaxException error = Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse($"Host(`a.com`) && PathRegexp(`{pattern}`)"));
        Assert.Equal(29, error.Column);
        Assert.Contains("not supported by the linear-time engine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrepareRegexes_BuildsEachDistinctPatternOnce_AndMatchingAgreesBeforeAndAfter()
    {
        RouteTable<string> table = RouteTable.Compile(Routes.Of(
            ("items", "PathRegexp(`^/items/[0-9]+$`)"),
            ("items-again", "Host(`a.example`) && PathRegexp(`^/items/[0-9]+$`)"),
            ("tenant", "HostRegexp(`^[a-z]+\\.tenant\\.example$`)"),
            ("search", "QueryRegexp(`q`, `^[a-z]+$`)")));
        var request = new TestRequest("shop.tenant.example", "/other");
        Assert.True(table.TryMatch(request, out string before));

        Assert.Equal(3, table.RegexCount);
        int built = table.PrepareRegexes();

        Assert.InRange(built, 2, 3); // the match above may already have built the host regex
        Assert.Equal(0, table.PrepareRegexes());
        Assert.True(table.TryMatch(request, out string after));
        Assert.Equal("tenant", before);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Compile_RouteWithRefusedRegex_FailsNotFirstMatch()
    {
        RouteTableException error = Assert.Throws<RouteTableException>(() => RouteTable.Compile(Routes.Of(
            ("ok", "PathRegexp(`^/a[0-9]+$`)"), ("bad", "HostRegexp(`^(?!www)[a-z]+\\.example\\.com$`)"))));
        RouteError bad = Assert.Single(error.Errors);
        Assert.Equal("bad", bad.RouteName);
        Assert.Equal(12, bad.Syntax!.Column);
    }

    [Theory]
    [InlineData("^/api/v[0-9]+/items/42$")]
    [InlineData("^[a-z0-9-]+\\.tenant7\\.example\\.org$")]
    [InlineData("tenant3-[a-z]+\\.apps\\.")]
    [InlineData("\\.(jpe?g|png)$")]
    [InlineData("^\\w+\\s*\\d\\b")]
    public void ConstructsWithoutError_CommonPatterns_AreDeferred(string pattern)
        => Assert.True(RuleRegex.ConstructsWithoutError(pattern));

    [Theory]
    [InlineData("a{2}")]
    [InlineData("(?i)abc")]
    [InlineData("(a)\\1")]
    [InlineData("\\p{L}")]
    [InlineData("\\Ga")]
    public void ConstructsWithoutError_PatternsItCannotClear_AreBuiltAtParse(string pattern)
        => Assert.False(RuleRegex.ConstructsWithoutError(pattern));

    /// <summary>
    /// Random patterns over the regex metacharacters: every one the screen defers and the parser
    /// accepts must construct with NonBacktracking, or it would fail on first match instead.
    /// </summary>
    [Fact]
    public void ConstructsWithoutError_RandomPatterns_NeverDefersOneTheEngineRefuses()
    {
        var random = new Random(20250601);
        string[] pieces =
        [
            "a", "b", ".", "+", "*", "?", "|", "(", ")", "[a-z]", "[^.]", "^", "$", "\\", "\\d", "\\w", "\\b",
            "\\1", "\\k", "\\G", "(?", "=", "!", "<", ">", "{", "}", "2", ",", "+?", "(a+)+",
        ];
        int deferred = 0;
        for (int i = 0; i < 20_000; i++)
        {
            var builder = new System.Text.StringBuilder();
            int length = random.Next(1, 12);
            for (int j = 0; j < length; j++)
            {
                builder.Append(pieces[random.Next(pieces.Length)]);
            }

            string pattern = builder.ToString();
            if (!RuleRegex.ConstructsWithoutError(pattern) || !Parses(pattern))
            {
                continue;
            }

            deferred++;
            try
            {
                _ = new Regex(pattern, RuleRegex.Options);
            }
            catch (NotSupportedException e)
            {
                Assert.Fail($"'{pattern}' was deferred but the linear engine refuses it: {e.Message}");
            }
        }

        Assert.True(deferred > 2_000, $"only {deferred} patterns were deferred");
    }

    [Fact]
    public void Regex_DeferredPattern_IsBuiltOnceWithNonBacktracking()
    {
        RouteTable<string> table = RouteTable.Compile(Routes.Of(
            ("a", "Host(`a.com`) && PathRegexp(`^/v[0-9]+$`)"), ("b", "Host(`b.com`) && PathRegexp(`^/v[0-9]+$`)")));
        Assert.True(table.TryMatch(new TestRequest("b.com", "/v2"), out string? route));
        Assert.Equal("b", route);

        RuleMatcher first = Assert.IsType<RuleMatcher>(RuleParser.Parse("PathRegexp(`^/v[0-9]+$`)"));
        Assert.Same(first.Regex, first.Regex);
        Assert.True(first.Regex!.Options.HasFlag(RegexOptions.NonBacktracking));
    }

    private static bool Parses(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
