namespace Engine.Core.Routing;

/// <summary>
/// A rule that does not parse or names an invalid value. The message reads
/// "<c>{problem} at column {Column}</c>", then "<c>: {Detail}</c>" when a lower layer explained
/// it, then "<c>; {Hint}</c>" when a hint fits, e.g.
/// "unknown matcher 'PathPrefx' at column 1; did you mean PathPrefix?" or
/// "PathRegexp(`[a`): invalid regular expression at column 12: unterminated [] set".
/// </summary>
public sealed class RuleSyntaxException : FormatException
{
    public RuleSyntaxException(string rule, int column, string problem, string? expected = null, string? hint = null, string? detail = null)
        : base(Format(problem, column, detail, hint))
    {
        Rule = rule;
        Column = column;
        Problem = problem;
        Expected = expected;
        Hint = hint;
        Detail = detail;
    }

    /// <summary>The rule text as given.</summary>
    public string Rule { get; }

    /// <summary>1-based column (UTF-16 code unit) of the offending token.</summary>
    public int Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>What the parser expected at <see cref="Column"/>, when a token was missing.</summary>
    public string? Expected { get; }

    /// <summary>A suggestion such as the nearest matcher name; null when none fits.</summary>
    public string? Hint { get; }

    /// <summary>The explanation of the layer below (the regex parser's), when it gave one.</summary>
    public string? Detail { get; }

    private static string Format(string problem, int column, string? detail, string? hint)
        => $"{problem} at column {column}{(detail is null ? "" : ": " + detail)}{(hint is null ? "" : "; " + hint)}";
}
