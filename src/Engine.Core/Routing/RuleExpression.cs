using System.Text;
using System.Text.RegularExpressions;

namespace Engine.Core.Routing;

/// <summary>
/// A parsed rule. <see cref="RuleAnd"/> and <see cref="RuleOr"/> are n-ary (a chain of
/// <c>&amp;&amp;</c> is one node) so that a long rule does not become a deep tree; depth is
/// bounded by <see cref="RuleParserOptions.MaxNestingDepth"/>. <see cref="ToString"/> prints the
/// rule in canonical form (backticks, fully parenthesised operators).
/// </summary>
public abstract class RuleExpression
{
    private protected RuleExpression(int column) => Column = column;

    /// <summary>1-based column where this expression starts in the rule text.</summary>
    public int Column { get; }

    public override string ToString()
    {
        var builder = new StringBuilder();
        Write(builder);
        return builder.ToString();
    }

    internal abstract void Write(StringBuilder builder);
}

public sealed class RuleAnd : RuleExpression
{
    internal RuleAnd(RuleExpression[] terms) : base(terms[0].Column) => Terms = terms;

    public IReadOnlyList<RuleExpression> Terms { get; }

    internal override void Write(StringBuilder builder) => WriteTerms(builder, Terms, " && ");

    internal static void WriteTerms(StringBuilder builder, IReadOnlyList<RuleExpression> terms, string op)
    {
        builder.Append('(');
        for (int i = 0; i < terms.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(op);
            }

            terms[i].Write(builder);
        }

        builder.Append(')');
    }
}

public sealed class RuleOr : RuleExpression
{
    internal RuleOr(RuleExpression[] terms) : base(terms[0].Column) => Terms = terms;

    public IReadOnlyList<RuleExpression> Terms { get; }

    internal override void Write(StringBuilder builder) => RuleAnd.WriteTerms(builder, Terms, " || ");
}

public sealed class RuleNot : RuleExpression
{
    internal RuleNot(int column, RuleExpression operand) : base(column) => Operand = operand;

    public RuleExpression Operand { get; }

    internal override void Write(StringBuilder builder)
    {
        builder.Append('!');
        Operand.Write(builder);
    }
}

/// <summary>
/// One matcher call with its validated values. Values are kept as written except where the
/// matcher's semantics normalise them (Host lowercased, Method uppercased); see
/// <see cref="Value"/>.
/// </summary>
public sealed class RuleMatcher : RuleExpression
{
    internal RuleMatcher(int column, MatcherKind kind, string name, string[] arguments) : base(column)
    {
        Kind = kind;
        Name = name;
        Arguments = arguments;
    }

    public MatcherKind Kind { get; }

    /// <summary>The matcher name as written (e.g. "Headers" for the v2 alias of Header).</summary>
    public string Name { get; }

    /// <summary>The values as written, unquoted.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>
    /// The value the matcher compares: for Host/HostSNI the lowercase host without brackets or
    /// trailing dot ("*.example.com" keeps its star; HostSNI(`*`) is "*"), for Method the
    /// uppercase token, for Header/Query the value (empty for the one-argument Query), for the
    /// rest the first argument.
    /// </summary>
    public string Value { get; internal set; } = "";

    /// <summary>For Header, HeaderRegexp, Query and QueryRegexp: the header name or query key.</summary>
    public string? Key { get; internal set; }

    /// <summary>For the *Regexp matchers: the validated NonBacktracking regex (built on first read).</summary>
    public Regex? Regex => Pattern?.Value;

    /// <summary>For the *Regexp matchers: the validated pattern, shared by equal patterns of a table.</summary>
    internal DeferredRegex? Pattern { get; set; }

    /// <summary>For *Regexp matchers: inputs longer than this many bytes do not match.</summary>
    public int MaxRegexInputLength { get; internal set; }

    /// <summary>For ClientIP: the address or network.</summary>
    internal IpPrefix? Network { get; set; }

    /// <summary>Host/HostSNI: "*.suffix" single-label wildcard.</summary>
    public bool IsWildcard => Value.StartsWith("*.", StringComparison.Ordinal);

    internal override void Write(StringBuilder builder)
    {
        builder.Append(Name).Append('(');
        for (int i = 0; i < Arguments.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            string argument = Arguments[i];
            if (!argument.Contains('`', StringComparison.Ordinal))
            {
                builder.Append('`').Append(argument).Append('`');
            }
            else
            {
                builder.Append('"').Append(argument.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
            }
        }

        builder.Append(')');
    }
}
