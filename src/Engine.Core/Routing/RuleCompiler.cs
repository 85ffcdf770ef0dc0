namespace Engine.Core.Routing;

/// <summary>One conjunction of a rule in disjunctive normal form, split for indexing.</summary>
/// <param name="Host">A positive Host/HostSNI literal the branch requires (indexed), or null.</param>
/// <param name="Path">A positive Path/PathPrefix literal the branch requires (indexed), or null.</param>
/// <param name="Residual">Everything else, cheapest first; null when nothing is left to check.</param>
internal sealed record RuleBranch(RuleMatcher? Host, RuleMatcher? Path, MatchNode? Residual);

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
            MatchNode whole = Compile(rule);
            List<RuleMatcher>? guard = HostGuard(rule, negated: false);
            if (guard is null)
            {
                branches.Add(new RuleBranch(null, null, whole));
            }
            else
            {
                foreach (RuleMatcher host in guard)
                {
                    branches.Add(new RuleBranch(host, null, whole));
                }
            }

            return branches;
        }

        foreach (List<Literal> conjunction in dnf)
        {
            RuleMatcher? host = PickIndexed(conjunction, host: true);
            RuleMatcher? path = PickIndexed(conjunction, host: false);
            var rest = new List<MatchNode>();
            foreach (Literal literal in conjunction)
            {
                if (!literal.Negated && (ReferenceEquals(literal.Matcher, host) || ReferenceEquals(literal.Matcher, path)))
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
            branches.Add(new RuleBranch(host, path, residual));
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

            if (host && matcher.Kind is MatcherKind.Host or MatcherKind.HostSNI)
            {
                if (!matcher.IsWildcard)
                {
                    return matcher;
                }

                best ??= matcher;
            }
            else if (!host && matcher.Kind == MatcherKind.Path)
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
    private static List<RuleMatcher>? HostGuard(RuleExpression expression, bool negated)
    {
        switch (expression)
        {
            case RuleMatcher matcher:
                bool isHost = matcher.Kind == MatcherKind.Host
                    || (matcher.Kind == MatcherKind.HostSNI && matcher.Value != "*");
                return isHost && !negated ? [matcher] : null;
            case RuleNot not:
                return HostGuard(not.Operand, !negated);
            case RuleAnd or RuleOr:
                IReadOnlyList<RuleExpression> terms = expression is RuleAnd and ? and.Terms : ((RuleOr)expression).Terms;
                bool conjunction = expression is RuleAnd != negated;
                List<RuleMatcher>? result = null;
                foreach (RuleExpression term in terms)
                {
                    List<RuleMatcher>? guard = HostGuard(term, negated);
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
