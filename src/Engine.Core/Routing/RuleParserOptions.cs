namespace Engine.Core.Routing;

/// <summary>
/// Limits that keep rules and their evaluation bounded. Regexes from rules always run with
/// <see cref="System.Text.RegularExpressions.RegexOptions.NonBacktracking"/> (linear time, no
/// ReDoS); these caps bound what remains: DFA construction cost and the per-match transcoding.
/// </summary>
public sealed record RuleParserOptions
{
    public static RuleParserOptions Default { get; } = new();

    /// <summary>
    /// Longest accepted regex pattern, in characters (default 1,024). Longer patterns are rejected
    /// at parse time: NonBacktracking construction cost grows with the pattern.
    /// </summary>
    public int MaxRegexPatternLength { get; init; } = 1024;

    /// <summary>
    /// Longest input, in bytes, that a regex matcher evaluates (default 4,096). A longer host,
    /// path, header or query value does not match the regex (the matcher answers false, so
    /// <c>!PathRegexp(...)</c> answers true): it is never truncated and matched in part.
    /// </summary>
    public int MaxRegexInputLength { get; init; } = 4096;

    /// <summary>Deepest nesting of parentheses and '!' (default 32); bounds every recursion over a rule.</summary>
    public int MaxNestingDepth { get; init; } = 32;

    /// <summary>Longest accepted rule, in characters (default 16,384).</summary>
    public int MaxRuleLength { get; init; } = 16384;
}
