using Engine.Host.Configuration;

namespace Engine.Host.Tests.Configuration;

public sealed class ConfigValueParserTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData(".5s", 500)]
    [InlineData("1h2m3s4ms", 3_723_004)]
    [InlineData("1500us", 1.5)]
    [InlineData("1500µs", 1.5)]
    [InlineData("00:00:30", 30_000)]
    [InlineData("1.02:03:04", 93_784_000)]
    public void DurationParser_GoStyleDurations_Parse(string text, double milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out TimeSpan duration, out string? error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Fact]
    public void DurationParser_Infinite_IsTheInfiniteTimeSpan()
    {
        Assert.True(DurationParser.TryParse("infinite", out TimeSpan duration, out string? error), error);
        Assert.Equal(Timeout.InfiniteTimeSpan, duration);
        Assert.Equal("infinite", DurationParser.Format(duration));
    }

    [Theory]
    [InlineData("1.00000005s", 10_000_001)]
    [InlineData("1.00000004s", 10_000_000)]
    [InlineData("0.00000005s", 1)]
    public void DurationParser_Fractions_RoundToTheNearestTick(string text, long ticks)
    {
        Assert.True(DurationParser.TryParse(text, out TimeSpan duration, out string? error), error);
        Assert.Equal(ticks, duration.Ticks);
    }

    [Theory]
    [InlineData("", "expected a duration")]
    [InlineData("30", "'30' has no unit")]
    [InlineData("-5s", "'-5s' is not a duration: a duration has no sign")]
    [InlineData("+5s", "'+5s' is not a duration: a duration has no sign")]
    [InlineData("-00:00:30", "a duration has no sign")]
    [InlineData("5 s", "'5 s' is not a duration")]
    [InlineData("5sec", "'5sec' is not a duration: 'sec' is not a unit; the units are us, ms, s, m, h and d")]
    [InlineData("Infinite", "'Infinite' is not a duration")]
    [InlineData("1..5s", "'1..5s' is not a duration")]
    [InlineData("1:2:3:4", "'1:2:3:4' is not a duration of the form [d.]hh:mm:ss[.fffffff]")]
    [InlineData("99999999999999d", "is too long a duration")]
    [InlineData("99999999999999999999999999999999s", "is too long a duration")]
    [InlineData("9999999999999999999999999999h", "is too long a duration")]
    [InlineData("10675200d", "is too long a duration")]
    public void DurationParser_Malformed_SaysWhy(string text, string reason)
    {
        Assert.False(DurationParser.TryParse(text, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(500, "500ms")]
    [InlineData(1_500, "1.5s")]
    [InlineData(7_200_000, "2h")]
    [InlineData(129_600_000, "36h")]
    public void DurationParser_Format_ReadsBack(long milliseconds, string text)
    {
        Assert.Equal(text, DurationParser.Format(TimeSpan.FromMilliseconds(milliseconds)));
        Assert.True(DurationParser.TryParse(text, out TimeSpan back, out _));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), back);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(15_000L)]
    [InlineData(10_000_001L)]
    [InlineData(36_000_000_000L + 5)]
    [InlineData(long.MaxValue)]
    public void DurationParser_FormatThenParse_GivesBackTheSameTicks(long ticks)
    {
        string text = DurationParser.Format(TimeSpan.FromTicks(ticks));

        Assert.True(DurationParser.TryParse(text, out TimeSpan value, out string? error), error);
        Assert.Equal(ticks, value.Ticks);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("100B", 100)]
    [InlineData("512KiB", 524_288)]
    [InlineData("10MiB", 10_485_760)]
    [InlineData("1GiB", 1_073_741_824)]
    [InlineData("1MB", 1_000_000)]
    [InlineData("64kb", 64_000)]
    [InlineData("1.5KiB", 1_536)]
    [InlineData("1_000 B", 1_000)]
    public void SizeParser_SiAndIecUnits_Parse(string text, long bytes)
    {
        Assert.True(SizeParser.TryParse(text, out long parsed, out string? error), error);
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("10m", "unknown unit 'm'")]
    [InlineData("1k", "unknown unit 'k'")]
    [InlineData("MiB", "is not a size")]
    [InlineData("-1KiB", "is not a size")]
    [InlineData("1.1B", "not a whole number of bytes")]
    [InlineData("99999999TiB", "is too large")]
    public void SizeParser_Malformed_SaysWhy(string text, string reason)
    {
        Assert.False(SizeParser.TryParse(text, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("${HOST}:18000", "example.test:18000")]
    [InlineData("${UNSET:-fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${HOST:-fallback}", "example.test")]
    [InlineData("${UNSET:-}", "")]
    [InlineData("[${EMPTY}]", "[]")]
    [InlineData("$${HOST}", "${HOST}")]
    [InlineData("^/api$", "^/api$")]
    [InlineData("cost: $5 ${HOST}", "cost: $5 example.test")]
    public void EnvironmentSubstitution_References_AreReplaced(string text, string expected)
    {
        var environment = new Dictionary<string, string> { ["HOST"] = "example.test", ["EMPTY"] = "" };

        Assert.True(EnvironmentSubstitution.TrySubstitute(text, environment.GetValueOrDefault, out string? result, out string? error), error);
        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData("${UNSET}", "environment variable UNSET is not set")]
    [InlineData("${HOST", "has no closing '}'")]
    [InlineData("${1X}", "does not name an environment variable")]
    [InlineData("${A-B}", "does not name an environment variable")]
    public void EnvironmentSubstitution_Unresolvable_SaysWhy(string text, string reason)
    {
        Assert.False(EnvironmentSubstitution.TrySubstitute(text, _ => null, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
