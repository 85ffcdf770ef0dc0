using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Engine.Core.Routing;

/// <summary>
/// The regex parser's explanation of a refused pattern, cut down to the part our own sentence
/// does not already say. Its messages read "Invalid pattern '[a' at offset 2. Unterminated []
/// set."; the rule error names the matcher, the pattern and the column itself, so only
/// "unterminated [] set" is kept.
/// </summary>
internal static partial class RuleRegex
{
    /// <summary>The parser's reason for <paramref name="e"/>, lower-case and without its preamble or final period.</summary>
    internal static string ExplainParseError(ArgumentException e)
    {
        if (e is not RegexParseException parse)
        {
            return AsClause(e.Message);
        }

        string preambleEnd = string.Create(CultureInfo.InvariantCulture, $"' at offset {parse.Offset}. ");
        int reason = parse.Message.LastIndexOf(preambleEnd, StringComparison.Ordinal);
        if (reason >= 0)
        {
            return AsClause(parse.Message[(reason + preambleEnd.Length)..]);
        }

        // A build with UseSystemResourceKeys carries "MakeException, [a, 2, UnterminatedBracket"
        // instead of the sentence; the error code still says what went wrong.
        return Words(parse.Error.ToString());
    }

    /// <summary>
    /// What the NonBacktracking engine refused: "RegexOptions.NonBacktracking is not supported in
    /// conjunction with expressions containing: 'backreference (\ number)'." becomes
    /// "it contains a backreference (\ number)".
    /// </summary>
    internal static string ExplainUnsupported(NotSupportedException e)
    {
        const string Marker = "containing: '";
        int start = e.Message.IndexOf(Marker, StringComparison.Ordinal);
        int end = e.Message.LastIndexOf('\'');
        return start >= 0 && end > start + Marker.Length
            ? $"it contains a {e.Message[(start + Marker.Length)..end]}"
            : AsClause(e.Message);
    }

    /// <summary>"Not enough )'s." as the clause "not enough )'s" that follows a colon in our sentence.</summary>
    private static string AsClause(string sentence)
    {
        string clause = sentence.Trim().TrimEnd('.');
        // Lower-case a capitalised first word but not an acronym or identifier ("RegexOptions").
        return clause.Length > 1 && char.IsUpper(clause[0]) && char.IsLower(clause[1])
            ? char.ToLowerInvariant(clause[0]) + clause[1..]
            : clause;
    }

    /// <summary>"UnterminatedBracket" as "unterminated bracket".</summary>
    private static string Words(string pascalCase)
    {
        var words = new StringBuilder(pascalCase.Length + 8);
        foreach (char c in pascalCase)
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ');
            }
            words.Append(char.ToLowerInvariant(c));
        }
        return words.ToString();
    }
}
