using System.Text.RegularExpressions;

namespace Engine.Host.Tests.Aot;

/// <summary>
/// Judges a line the engine shows an operator. Two failures are looked for:
/// <list type="number">
/// <item>a bare framework resource key, what a build with <c>UseSystemResourceKeys</c> prints
/// instead of the sentence: either a key with an underscore (<c>IO_PathNotFound_Path</c>,
/// <c>Arg_ParamName_Name</c>), or SR.Format's fallback, the key followed by its arguments joined
/// with commas (<c>MakeException, [a, 2, UnterminatedBracket</c>,
/// <c>ExpectedStartOfPropertyNotFound, ,</c>), or a lone PascalCase key ending a clause;</item>
/// <item>a line that is not a sentence: fewer than three words, or a .NET type name
/// (<c>Engine.Core.Configuration.GatewayConfig</c>, <c>System.Int32</c>) that the operator never
/// wrote.</item>
/// </list>
/// Our own vocabulary stays clear of both: config keys are snake_case, environment variables
/// upper case, and matcher names (<c>PathPrefix</c>) are followed by '(' or '?', not ',' or ':'.
/// </summary>
public static partial class OperatorMessage
{
    /// <summary>Every reason <paramref name="line"/> fails; empty when it reads as a sentence.</summary>
    public static IReadOnlyList<string> Problems(string line)
    {
        var problems = new List<string>();
        foreach (Match key in UnderscoreIdentifier().Matches(line))
        {
            string token = key.Value;
            if (token.Any(char.IsUpper) && token.Any(char.IsLower))
            {
                problems.Add($"resource key '{token}'");
            }
        }
        foreach (Match key in KeyWithArguments().Matches(line))
        {
            problems.Add($"resource key with arguments '{key.Groups["key"].Value}, ...'");
        }
        foreach (Match key in KeyEndingClause().Matches(line))
        {
            problems.Add($"bare resource key '{key.Groups["key"].Value}'");
        }
        foreach (Match type in DotNetTypeName().Matches(line))
        {
            problems.Add($".NET type name '{type.Value}'");
        }
        if (line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length < 3)
        {
            problems.Add("fewer than three words");
        }
        return problems;
    }

    /// <summary>Asserts that every non-empty line of <paramref name="output"/> reads as a sentence, naming the line that does not.</summary>
    public static void AssertAllReadable(string output, string what)
    {
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length > 0, $"{what}: no output at all");
        foreach (string line in lines)
        {
            IReadOnlyList<string> problems = Problems(line);
            Assert.True(problems.Count == 0, $"{what}: '{line}' does not read as a sentence: {string.Join("; ", problems)}");
        }
    }

    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b")]
    private static partial Regex UnderscoreIdentifier();

    // PascalCase with two humps or more, at the start of a clause, directly followed by ", ".
    [GeneratedRegex(@"(?:^|: |\()(?<key>[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+), ")]
    private static partial Regex KeyWithArguments();

    // A lone key as a whole clause: "...: UnterminatedBracket" or "...: UnterminatedBracket at column 12".
    [GeneratedRegex(@"(?:^|: )(?<key>[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+)(?:$|[.;,]| at )")]
    private static partial Regex KeyEndingClause();

    [GeneratedRegex(@"\b(?:System|Engine|Microsoft)(?:\.[A-Z][A-Za-z0-9`]*)+")]
    private static partial Regex DotNetTypeName();
}
