using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Unicode;

namespace Engine.Core.Routing;

internal enum NodeKind : byte
{
    And,
    Or,
    Not,
    True,
    Host,
    Path,
    PathPrefix,
    Method,
    Header,
    Query,
    ClientIP,
    Regex,
    Alpn,
}

/// <summary>What a <see cref="RegexNode"/> reads.</summary>
internal enum RegexTarget : byte
{
    Host,
    Path,
    Header,
    Query,
    ServerName,
}

/// <summary>
/// One step of a compiled predicate. Nodes are sealed data classes; evaluation is a switch on
/// <see cref="Kind"/> in <see cref="HttpEvaluator"/> and <see cref="TcpEvaluator"/>, generic over
/// the input type so a struct input is read without boxing or interface dispatch (a virtual
/// generic method per node would pay a runtime dictionary lookup per call).
/// </summary>
internal abstract class MatchNode(NodeKind kind, int cost)
{
    public NodeKind Kind { get; } = kind;

    /// <summary>Relative evaluation cost; conjunctions test cheap terms first.</summary>
    public int Cost { get; } = cost;

    public abstract void Describe(StringBuilder builder);

    protected static int TotalCost(MatchNode[] terms)
    {
        int total = 0;
        foreach (MatchNode term in terms)
        {
            total += term.Cost;
        }

        return total;
    }

    public override string ToString()
    {
        var builder = new StringBuilder();
        Describe(builder);
        return builder.ToString();
    }
}

internal sealed class AndNode(MatchNode[] terms) : MatchNode(NodeKind.And, TotalCost(terms))
{
    public MatchNode[] Terms { get; } = terms;

    public override void Describe(StringBuilder builder) => DescribeTerms(builder, Terms, " && ");

    internal static void DescribeTerms(StringBuilder builder, MatchNode[] terms, string op)
    {
        builder.Append('(');
        for (int i = 0; i < terms.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(op);
            }

            terms[i].Describe(builder);
        }

        builder.Append(')');
    }
}

internal sealed class OrNode(MatchNode[] terms) : MatchNode(NodeKind.Or, TotalCost(terms))
{
    public MatchNode[] Terms { get; } = terms;

    public override void Describe(StringBuilder builder) => AndNode.DescribeTerms(builder, Terms, " || ");
}

internal sealed class NotNode(MatchNode operand) : MatchNode(NodeKind.Not, operand.Cost)
{
    public MatchNode Operand { get; } = operand;

    public override void Describe(StringBuilder builder)
    {
        builder.Append('!');
        Operand.Describe(builder);
    }
}

/// <summary>A leaf made from one matcher; describes itself with the matcher's own text.</summary>
internal abstract class LeafNode(NodeKind kind, int cost, RuleMatcher source) : MatchNode(kind, cost)
{
    public RuleMatcher Source { get; } = source;

    public override void Describe(StringBuilder builder) => Source.Write(builder);
}

/// <summary>HostSNI(`*`): matches every connection.</summary>
internal sealed class TrueNode(RuleMatcher source) : LeafNode(NodeKind.True, 0, source);

/// <summary>Host or HostSNI: exact, or "*.suffix" with <see cref="Wildcard"/> and <see cref="Host"/> holding the suffix.</summary>
internal sealed class HostNode(RuleMatcher source) : LeafNode(NodeKind.Host, 1, source)
{
    public byte[] Host { get; } = Encoding.ASCII.GetBytes(source.IsWildcard ? source.Value[2..] : source.Value);

    public bool Wildcard { get; } = source.IsWildcard;
}

/// <summary>Path, PathPrefix, Method or ALPN: one byte string compared as the kind says.</summary>
internal sealed class BytesNode(NodeKind kind, RuleMatcher source) : LeafNode(kind, 1, source)
{
    public byte[] Value { get; } = Encoding.UTF8.GetBytes(source.Value);
}

/// <summary>Header(name, value) or Query(key, value).</summary>
internal sealed class PairNode(NodeKind kind, RuleMatcher source) : LeafNode(kind, kind == NodeKind.Header ? 3 : 4, source)
{
    public byte[] Name { get; } = Encoding.UTF8.GetBytes(source.Key!);

    public byte[] Value { get; } = Encoding.UTF8.GetBytes(source.Value);
}

internal sealed class ClientIPNode(RuleMatcher source) : LeafNode(NodeKind.ClientIP, 2, source)
{
    public IpPrefix Network { get; } = source.Network!;
}

/// <summary>
/// A *Regexp matcher. The bytes are transcoded to UTF-16 (UTF-8 decoding with U+FFFD for
/// invalid sequences, as Encoding.UTF8 does) into a stack buffer, or a pooled one above 256
/// characters, and matched with <see cref="Regex.IsMatch(ReadOnlySpan{char})"/>. Inputs longer
/// than <see cref="MaxInputLength"/> bytes do not match.
/// </summary>
internal sealed class RegexNode(RegexTarget target, RuleMatcher source) : LeafNode(NodeKind.Regex, 20, source)
{
    private const int StackChars = 256;

    public RegexTarget Target { get; } = target;

    private readonly DeferredRegex _regex = source.Pattern!;

    public Regex Regex => _regex.Value;

    /// <summary>Header name or query key, for those targets.</summary>
    public byte[]? Name { get; } = source.Key is null ? null : Encoding.UTF8.GetBytes(source.Key);

    public int MaxInputLength { get; } = source.MaxRegexInputLength;

    [SkipLocalsInit]
    public bool IsMatch(ReadOnlySpan<byte> input, bool lowercase)
    {
        if (input.Length > MaxInputLength)
        {
            return false;
        }

        char[]? rented = null;
        Span<char> chars = input.Length <= StackChars
            ? stackalloc char[StackChars]
            : (rented = ArrayPool<char>.Shared.Rent(input.Length));

        // UTF-8 never yields more UTF-16 code units than it has bytes, so the buffer always fits.
        Utf8.ToUtf16(input, chars, out _, out int written, replaceInvalidSequences: true);
        Span<char> text = chars[..written];
        if (lowercase)
        {
            // Every ASCII letter, also past a non-ASCII character (Ascii.ToLowerInPlace stops there).
            for (int i = 0; i < text.Length; i++)
            {
                if (char.IsAsciiLetterUpper(text[i]))
                {
                    text[i] = (char)(text[i] | 0x20);
                }
            }
        }

        bool matched = Regex.IsMatch(text);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return matched;
    }
}
