using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Engine.Core.Routing;

/// <summary>
/// Builds the regex of a *Regexp matcher. Traefik's patterns are Go RE2, which .NET's
/// NonBacktracking engine matches closely: both are linear-time and refuse backreferences and
/// lookarounds. The few RE2 spellings .NET reads differently are translated rather than left to
/// mean something else: named groups <c>(?P&lt;n&gt;...)</c> and POSIX classes inside brackets
/// (<c>[[:alnum:]]</c>). Matching is unanchored, as Go's MatchString: anchor with ^ and $.
/// Deliberately not translated: RE2's <c>$</c> without (?m) matches only at the very end, .NET's
/// also before a final '\n'; <c>\d</c> is ASCII in RE2 and Unicode here.
/// </summary>
internal static partial class RuleRegex
{
    public const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    private static readonly (string Name, string Members)[] s_posixClasses =
    [
        ("alnum", "0-9A-Za-z"), ("alpha", "A-Za-z"), ("ascii", "\\x00-\\x7F"), ("blank", "\\t "),
        ("cntrl", "\\x00-\\x1F\\x7F"), ("digit", "0-9"), ("graph", "!-~"), ("lower", "a-z"),
        ("print", " -~"), ("punct", "!-/:-@\\[-`{-~"), ("space", "\\t\\n\\v\\f\\r "), ("upper", "A-Z"),
        ("word", "0-9A-Za-z_"), ("xdigit", "0-9A-Fa-f"),
    ];

    /// <summary>
    /// Validates the pattern and returns its regex, deferred when that is safe, or says why not:
    /// <paramref name="error"/> is our sentence, <paramref name="detail"/> the regex parser's own
    /// explanation when it has one (see RuleRegex.Errors.cs)
    /// (the message names no column; the parser adds it). A pattern that passes
    /// <see cref="ConstructsWithoutError"/> is only parsed here, by the backtracking engine's
    /// parser (the same parser, so the same errors and messages); any other is built now, so
    /// whatever the NonBacktracking engine refuses is still refused at compile time.
    /// </summary>
    public static DeferredRegex? TryCreate(string pattern, RuleParserOptions options, out string? error, out string? detail, out string? hint)
    {
        hint = null;
        detail = null;
        if (pattern.Length > options.MaxRegexPatternLength)
        {
            error = $"regular expression is {pattern.Length} characters long, more than the limit of {options.MaxRegexPatternLength}";
            return null;
        }

        if (LooksLikeV2Variable(pattern))
        {
            error = "the v2 '{name:regex}' variable syntax is not supported";
            hint = "Traefik v3 takes a plain regular expression, e.g. HostRegexp(`^[a-z]+\\.example\\.com$`)";
            return null;
        }

        error = null;
        string translated = Translate(pattern);
        try
        {
            if (ConstructsWithoutError(translated))
            {
                // Parsing costs a microsecond; the interpreter it also sets up is dropped.
                _ = new Regex(translated, RegexOptions.CultureInvariant);
                return new DeferredRegex(translated);
            }

            return new DeferredRegex(new Regex(translated, Options));
        }
        catch (ArgumentException e)
        {
            error = "invalid regular expression";
            detail = ExplainParseError(e);
            return null;
        }
        catch (NotSupportedException e)
        {
            error = "regular expression not supported by the linear-time engine";
            detail = ExplainUnsupported(e);
            hint = "backreferences, lookarounds and atomic groups are not available (as in Traefik's RE2)";
            return null;
        }
    }

    /// <summary>
    /// True when a pattern that parses is certain to construct with
    /// <see cref="RegexOptions.NonBacktracking"/> too. The engine refuses two things beyond
    /// parse errors (System.Text.RegularExpressions, Symbolic/SymbolicRegexRunnerFactory.cs):
    /// <list type="number">
    /// <item>constructs it cannot simulate: backreferences (<c>\1</c>, <c>\k&lt;n&gt;</c>),
    /// lookarounds, atomic groups, conditionals, balancing groups and <c>\G</c>. All but the
    /// escapes are spelt <c>(?</c>; escapes are allowed only from a list of known-good ones;</item>
    /// <item>an automaton estimate over its threshold (default 10,000, AppContext
    /// REGEX_NONBACKTRACKING_MAX_AUTOMATA_SIZE): (anchors ? 5 : 1) * (1 + character sets), where
    /// a loop <c>{m,n}</c> repeats its body's sets n times (m + 1 when unbounded). Without
    /// <c>{</c> only <c>+</c> ({1,}) multiplies, by 2, so 5 * (1 + length * 2^count('+')) bounds it.</item>
    /// </list>
    /// Deliberately conservative: a pattern it does not clear is simply built at compile time.
    /// </summary>
    internal static bool ConstructsWithoutError(string pattern)
    {
        int plus = 0;
        for (int i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '{':
                    return false;
                case '(' when i + 1 < pattern.Length && pattern[i + 1] == '?':
                    return false;
                case '+':
                    plus++;
                    break;
                case '\\' when i + 1 < pattern.Length:
                    char escaped = pattern[++i];
                    if (char.IsAsciiLetterOrDigit(escaped) && !s_safeEscapes.Contains(escaped))
                    {
                        return false;
                    }

                    break;
            }
        }

        long bound = plus >= 20 ? long.MaxValue : 5L * (1 + ((long)pattern.Length << plus));
        return bound <= AutomatonSizeLimit();
    }

    // Classes, anchors the engine supports (\b \B \A \z \Z), control characters and code escapes.
    private static readonly SearchValues<char> s_safeEscapes = SearchValues.Create("dDwWsSbBAzZntrfveaxuc");

    private static int AutomatonSizeLimit()
        => AppContext.GetData("REGEX_NONBACKTRACKING_MAX_AUTOMATA_SIZE") is int limit && limit > 0 ? limit : 10_000;

    internal static string Translate(string pattern)
    {
        if (!pattern.Contains("(?P<", StringComparison.Ordinal) && !pattern.Contains("[:", StringComparison.Ordinal))
        {
            return pattern;
        }

        var builder = new StringBuilder(pattern.Length + 16);
        bool inClass = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                builder.Append(c).Append(pattern[++i]);
                continue;
            }

            if (!inClass && c == '(' && string.CompareOrdinal(pattern, i, "(?P<", 0, 4) == 0)
            {
                builder.Append("(?<");
                i += 3;
                continue;
            }

            if (inClass && c == '[' && TryPosixClass(pattern, i, out string? members, out int consumed))
            {
                builder.Append(members);
                i += consumed - 1;
                continue;
            }

            if (!inClass && c == '[')
            {
                inClass = true;
                builder.Append(c);
                // A ']' (or '^]') right after the opening bracket is a literal member.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    builder.Append(pattern[++i]);
                }

                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    builder.Append("\\]");
                    i++;
                }

                continue;
            }

            if (inClass && c == ']')
            {
                inClass = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static bool TryPosixClass(string pattern, int start, out string? members, out int consumed)
    {
        foreach ((string name, string classMembers) in s_posixClasses)
        {
            string token = "[:" + name + ":]";
            if (string.CompareOrdinal(pattern, start, token, 0, token.Length) == 0)
            {
                members = classMembers;
                consumed = token.Length;
                return true;
            }
        }

        members = null;
        consumed = 0;
        return false;
    }

    private static bool LooksLikeV2Variable(string pattern)
    {
        // "{subdomain:[a-z]+}": '{', an identifier, ':'. .NET would read it as literal text.
        for (int i = pattern.IndexOf('{', StringComparison.Ordinal); i >= 0; i = pattern.IndexOf('{', i + 1))
        {
            if (i > 0 && pattern[i - 1] == '\\')
            {
                continue;
            }

            int j = i + 1;
            while (j < pattern.Length && (char.IsAsciiLetterOrDigit(pattern[j]) || pattern[j] == '_'))
            {
                j++;
            }

            if (j > i + 1 && j < pattern.Length && pattern[j] == ':' && !char.IsAsciiDigit(pattern[i + 1]))
            {
                return true;
            }
        }

        return false;
    }
}
