namespace Engine.Core.Routing;

/// <summary>One conjunction of a rule in disjunctive normal form, split for indexing.</summary>
/// <param name="Hosts">Host buckets of which the request must be in one (empty: any host).</param>
/// <param name="Path">A positive Path/PathPrefix literal the branch requires (indexed), or null.</param>
/// <param name="Residual">Everything else, cheapest first; null when nothing is left to check.</param>
internal sealed record RuleBranch(HostKey[] Hosts, RuleMatcher? Path, MatchNode? Residual);

/// <summary>A host bucket: an exact host, or the suffix of a single-label wildcard, lowercase, no trailing dot.</summary>
internal readonly record struct HostKey(string Key, bool Wildcard);

/// <summary>
/// Turns a parsed rule into what the table indexes. The rule is put in disjunctive normal form
/// (negations pushed to the matchers by De Morgan): each conjunction that requires a Host can
/// live under that host, and one that also requires a Path or PathPrefix under that path, with
/// only its remaining matchers left to evaluate. A rule whose normal form would exceed
/// <see cref="MaxBranches"/> conjunctions (it grows exponentially with nested ||) is not
/// expanded: it is indexed under the hosts one of which it certainly requires, if any, with the
/// whole rule as its residual.
/// </summary>
internal static class RuleCompiler
{
    public const int MaxBranches = 32;

    private readonly record struct Literal(RuleMatcher Matcher, bool Negated);

    public static List<RuleBranch> Branches(RuleExpression rule)
    {
        // Most rules are already one conjunction ("Host(..) && PathPrefix(..)"): no expansion.
        List<List<Literal>>? dnf = AsConjunction(rule) is List<Literal> single ? [single] : ToDnf(rule, negated: false);
        var branches = new List<RuleBranch>();
        if (dnf is null)
        {
            List<HostKey>? guard = HostGuard(rule, negated: false);
            branches.Add(new RuleBranch(guard is null ? [] : [.. guard], null, Compile(rule)));
            return branches;
        }

        foreach (List<Literal> conjunction in dnf)
        {
            RuleMatcher? host = PickIndexedHost(conjunction);
            RuleMatcher? path = PickIndexed(conjunction, host: false);
            var rest = new List<MatchNode>();
            foreach (Literal literal in conjunction)
            {
                // A Host literal is fully answered by its bucket; a HostRegexp only narrowed to
                // one, so it stays to be evaluated.
                bool answeredByIndex = ReferenceEquals(literal.Matcher, path)
                    || (ReferenceEquals(literal.Matcher, host) && literal.Matcher.Kind is MatcherKind.Host or MatcherKind.HostSNI);
                if (!literal.Negated && answeredByIndex)
                {
                    continue;
                }

                MatchNode leaf = Leaf(literal.Matcher);
                rest.Add(literal.Negated ? new NotNode(leaf) : leaf);
            }

            rest.Sort(static (a, b) => a.Cost.CompareTo(b.Cost));
            MatchNode? residual = rest.Count switch
            {
                0 => null,
                1 => rest[0],
                _ => new AndNode([.. rest]),
            };
            branches.Add(new RuleBranch(host is null ? [] : HostKeys(host)!, path, residual));
        }

        return branches;
    }

    /// <summary>The whole rule as one predicate tree (no indexing).</summary>
    public static MatchNode Compile(RuleExpression rule) => rule switch
    {
        RuleAnd and => new AndNode([.. and.Terms.Select(Compile).OrderBy(n => n.Cost)]),
        RuleOr or => new OrNode([.. or.Terms.Select(Compile)]),
        RuleNot not => new NotNode(Compile(not.Operand)),
        RuleMatcher matcher => Leaf(matcher),
        _ => throw new ArgumentException("unknown expression", nameof(rule)),
    };

    private static MatchNode Leaf(RuleMatcher matcher) => matcher.Kind switch
    {
        MatcherKind.Host => new HostNode(matcher),
        MatcherKind.HostSNI => matcher.Value == "*" ? new TrueNode(matcher) : new HostNode(matcher),
        MatcherKind.HostRegexp => new RegexNode(RegexTarget.Host, matcher),
        MatcherKind.HostSNIRegexp => new RegexNode(RegexTarget.ServerName, matcher),
        MatcherKind.Path => new BytesNode(NodeKind.Path, matcher),
        MatcherKind.PathPrefix => new BytesNode(NodeKind.PathPrefix, matcher),
        MatcherKind.PathRegexp => new RegexNode(RegexTarget.Path, matcher),
        MatcherKind.Method => new BytesNode(NodeKind.Method, matcher),
        MatcherKind.Header => new PairNode(NodeKind.Header, matcher),
        MatcherKind.HeaderRegexp => new RegexNode(RegexTarget.Header, matcher),
        MatcherKind.Query => new PairNode(NodeKind.Query, matcher),
        MatcherKind.QueryRegexp => new RegexNode(RegexTarget.Query, matcher),
        MatcherKind.ClientIP => new ClientIPNode(matcher),
        MatcherKind.Alpn => new BytesNode(NodeKind.Alpn, matcher),
        _ => throw new ArgumentException($"unknown matcher kind {matcher.Kind}", nameof(matcher)),
    };

    /// <summary>
    /// The host literal to index a conjunction by, narrowest first: an exact Host/HostSNI, a
    /// wildcard one, then a HostRegexp/HostSNIRegexp that names an exact host or a wildcard
    /// suffix (see <see cref="TryLiteralHostPattern"/>).
    /// </summary>
    private static RuleMatcher? PickIndexedHost(List<Literal> conjunction)
    {
        RuleMatcher? best = null;
        int bestScore = int.MaxValue;
        foreach (Literal literal in conjunction)
        {
            if (literal.Negated || HostKeys(literal.Matcher) is not HostKey[] keys)
            {
                continue;
            }

            int score = (literal.Matcher.Kind is MatcherKind.Host or MatcherKind.HostSNI ? 0 : 2) + (keys[0].Wildcard ? 1 : 0);
            if (score < bestScore)
            {
                best = literal.Matcher;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>The buckets a positive matcher confines the host to, or null when it does not.</summary>
    internal static HostKey[]? HostKeys(RuleMatcher matcher)
    {
        switch (matcher.Kind)
        {
            case MatcherKind.Host:
            case MatcherKind.HostSNI when matcher.Value != "*":
                return [matcher.IsWildcard ? new HostKey(matcher.Value[2..], true) : new HostKey(matcher.Value, false)];
            case MatcherKind.HostRegexp:
            case MatcherKind.HostSNIRegexp:
                if (!TryLiteralHostPattern(matcher.Value, out string? key, out bool wildcard))
                {
                    return null;
                }

                // .NET's '$' also matches before a final '\n', so "a.com\n" matches ^a\.com$:
                // that host is a bucket too, which keeps the bucket a necessary condition.
                return [new HostKey(key, wildcard), new HostKey(key + "\n", wildcard)];
            default:
                return null;
        }
    }

    /// <summary>
    /// Recognises the host regexes that say "this host" or "any one label under this suffix":
    /// <c>^api\.example\.com$</c> and <c>^[a-z0-9-]+\.example\.com$</c> (also <c>[a-z]</c>,
    /// <c>[a-z0-9]</c>, <c>[^.]</c>), literal labels of [a-z0-9-] with escaped dots. The regex
    /// matches a lowercase host, so a rule it recognises can only match requests in that bucket.
    /// </summary>
    internal static bool TryLiteralHostPattern(string pattern, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? key, out bool wildcard)
    {
        key = null;
        wildcard = false;
        if (pattern.Length < 3 || pattern[0] != '^' || pattern[^1] != '$' || pattern[^2] == '\\')
        {
            return false;
        }

        ReadOnlySpan<char> body = pattern.AsSpan(1, pattern.Length - 2);
        foreach (string label in s_labelClasses)
        {
            if (body.StartsWith(label, StringComparison.Ordinal))
            {
                body = body[label.Length..];
                wildcard = true;
                break;
            }
        }

        var literal = new System.Text.StringBuilder(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c == '\\' && i + 1 < body.Length && body[i + 1] is '.' or '-')
            {
                literal.Append(body[++i]);
            }
            else if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            {
                literal.Append(c);
            }
            else
            {
                return false;
            }
        }

        if (literal.Length == 0 || literal[0] == '.' || literal[^1] == '.')
        {
            return false;
        }

        key = literal.ToString();
        return true;
    }

    // One label (non-empty, no '.'), then the dot: the prefixes a single-label wildcard regex starts with.
    private static readonly string[] s_labelClasses =
        ["[a-z0-9-]+\\.", "[a-z0-9]+\\.", "[0-9a-z-]+\\.", "[-a-z0-9]+\\.", "[a-z]+\\.", "[^.]+\\."];

    /// <summary>
    /// The literal to index a conjunction by: an exact Host/HostSNI over a wildcard, Path over
    /// the longest PathPrefix (the narrower index).
    /// </summary>
    private static RuleMatcher? PickIndexed(List<Literal> conjunction, bool host)
    {
        RuleMatcher? best = null;
        foreach (Literal literal in conjunction)
        {
            RuleMatcher matcher = literal.Matcher;
            if (literal.Negated)
            {
                continue;
            }

            if (!host && matcher.Kind == MatcherKind.Path)
            {
                return matcher;
            }
            else if (!host && matcher.Kind == MatcherKind.PathPrefix && (best is null || matcher.Value.Length > best.Value.Length))
            {
                best = matcher;
            }
        }

        return best;
    }

    /// <summary>The literals of a rule made only of matchers, negated matchers and &amp;&amp;; null otherwise.</summary>
    private static List<Literal>? AsConjunction(RuleExpression rule)
    {
        IReadOnlyList<RuleExpression> terms = rule is RuleAnd and ? and.Terms : [rule];
        var literals = new List<Literal>(terms.Count);
        foreach (RuleExpression term in terms)
        {
            bool negated = term is RuleNot;
            if ((negated ? ((RuleNot)term).Operand : term) is not RuleMatcher matcher
                || (matcher.Kind == MatcherKind.HostSNI && matcher.Value == "*"))
            {
                return null;
            }

            literals.Add(new Literal(matcher, negated));
        }

        return literals;
    }

    private static List<List<Literal>>? ToDnf(RuleExpression expression, bool negated)
    {
        switch (expression)
        {
            case RuleMatcher matcher:
                if (matcher.Kind == MatcherKind.HostSNI && matcher.Value == "*")
                {
                    // HostSNI(`*`) is true: one empty conjunction; negated it is false: none.
                    return negated ? [] : [[]];
                }

                return [[new Literal(matcher, negated)]];
            case RuleNot not:
                return ToDnf(not.Operand, !negated);
            case RuleAnd and:
                return negated ? Union(and.Terms, negated) : Product(and.Terms, negated);
            case RuleOr or:
                return negated ? Product(or.Terms, negated) : Union(or.Terms, negated);
            default:
                throw new ArgumentException("unknown expression", nameof(expression));
        }
    }

    private static List<List<Literal>>? Union(IReadOnlyList<RuleExpression> terms, bool negated)
    {
        var result = new List<List<Literal>>();
        foreach (RuleExpression term in terms)
        {
            List<List<Literal>>? dnf = ToDnf(term, negated);
            if (dnf is null || result.Count + dnf.Count > MaxBranches)
            {
                return null;
            }

            result.AddRange(dnf);
        }

        return result;
    }

    private static List<List<Literal>>? Product(IReadOnlyList<RuleExpression> terms, bool negated)
    {
        List<List<Literal>> result = [[]];
        foreach (RuleExpression term in terms)
        {
            List<List<Literal>>? dnf = ToDnf(term, negated);
            if (dnf is null || (long)result.Count * dnf.Count > MaxBranches)
            {
                return null;
            }

            var next = new List<List<Literal>>(result.Count * dnf.Count);
            foreach (List<Literal> left in result)
            {
                foreach (List<Literal> right in dnf)
                {
                    next.Add([.. left, .. right]);
                }
            }

            result = next;
        }

        return result;
    }

    /// <summary>
    /// Hosts of which the rule certainly requires one (a necessary condition), or null when it
    /// requires none: a positive Host; for a conjunction the smallest guard of its terms; for a
    /// disjunction the union, if every term has one.
    /// </summary>
    private static List<HostKey>? HostGuard(RuleExpression expression, bool negated)
    {
        switch (expression)
        {
            case RuleMatcher matcher:
                return !negated && HostKeys(matcher) is HostKey[] keys ? [.. keys] : null;
            case RuleNot not:
                return HostGuard(not.Operand, !negated);
            case RuleAnd or RuleOr:
                IReadOnlyList<RuleExpression> terms = expression is RuleAnd and ? and.Terms : ((RuleOr)expression).Terms;
                bool conjunction = expression is RuleAnd != negated;
                List<HostKey>? result = null;
                foreach (RuleExpression term in terms)
                {
                    List<HostKey>? guard = HostGuard(term, negated);
                    if (conjunction)
                    {
                        if (guard is not null && (result is null || guard.Count < result.Count))
                        {
                            result = guard;
                        }
                    }
                    else
                    {
                        if (guard is null || (result?.Count ?? 0) + guard.Count > MaxBranches)
                        {
                            return null;
                        }

                        (result ??= []).AddRange(guard);
                    }
                }

                return result;
            default:
                return null;
        }
    }
}
