namespace Engine.Core.Routing;

/// <summary>
/// Parses Traefik v3 rules: matcher calls joined by <c>!</c>, <c>&amp;&amp;</c> and <c>||</c>
/// (binding in that order) with parentheses; values in backticks (raw) or double quotes (with
/// the escapes \\ \" \n \r \t). Every error is a <see cref="RuleSyntaxException"/> located at
/// the offending token. Matcher values are validated here (regexes compiled, networks parsed),
/// so a rule that parses can always be compiled.
/// </summary>
public static partial class RuleParser
{
    public static RuleExpression Parse(string rule, RuleKind kind = RuleKind.Http, RuleParserOptions? options = null)
        => Parse(rule, kind, options, regexCache: null);

    /// <summary>
    /// Parses with a cache of validated regexes shared across the rules of one table: configs
    /// repeat patterns, and a <see cref="System.Text.RegularExpressions.Regex"/> is immutable and
    /// thread-safe, so each distinct pattern is validated once and built at most once.
    /// </summary>
    internal static RuleExpression Parse(string rule, RuleKind kind, RuleParserOptions? options, Dictionary<string, DeferredRegex>? regexCache)
    {
        ArgumentNullException.ThrowIfNull(rule);
        options ??= RuleParserOptions.Default;
        if (rule.Length > options.MaxRuleLength)
        {
            throw new RuleSyntaxException(rule, 1, $"rule is {rule.Length} characters long, more than the limit of {options.MaxRuleLength}");
        }

        var parser = new Parser(rule, kind, options, regexCache);
        return parser.ParseRule();
    }

    private enum TokenKind
    {
        End,
        Identifier,
        Value,
        OpenParen,
        CloseParen,
        Comma,
        And,
        Or,
        Not,
    }

    private readonly record struct Token(TokenKind Kind, int Start, int Length, string? Text)
    {
        public int Column => Start + 1;
    }

    private sealed partial class Parser(string rule, RuleKind kind, RuleParserOptions options, Dictionary<string, DeferredRegex>? regexCache)
    {
        // Reused across the matchers of one rule: most rules have two or three.
        private readonly List<string> _arguments = new(2);
        private readonly List<int> _columns = new(2);
        private int _position;
        private Token _current;
        private bool _hasCurrent;

        public RuleExpression ParseRule()
        {
            if (Peek().Kind == TokenKind.End)
            {
                throw Error(_current, "empty rule", "a matcher", "write a matcher such as " + (kind == RuleKind.Http ? "Host(`example.com`)" : "HostSNI(`example.com`)"));
            }

            RuleExpression expression = ParseOr(0);
            Token next = Peek();
            if (next.Kind != TokenKind.End)
            {
                throw next.Kind == TokenKind.CloseParen
                    ? Error(next, "unexpected ')'", "'&&', '||' or end of rule", "no '(' is open here")
                    : Error(next, $"expected '&&' or '||' but found {Describe(next)}", "'&&' or '||'", "join matchers with && or ||");
            }

            return expression;
        }

        private RuleExpression ParseOr(int depth)
        {
            RuleExpression first = ParseAnd(depth);
            if (Peek().Kind != TokenKind.Or)
            {
                return first;
            }

            var terms = new List<RuleExpression> { first };
            while (Peek().Kind == TokenKind.Or)
            {
                Take();
                terms.Add(ParseAnd(depth));
            }

            return new RuleOr([.. terms]);
        }

        private RuleExpression ParseAnd(int depth)
        {
            RuleExpression first = ParseUnary(depth);
            if (Peek().Kind != TokenKind.And)
            {
                return first;
            }

            var terms = new List<RuleExpression> { first };
            while (Peek().Kind == TokenKind.And)
            {
                Take();
                terms.Add(ParseUnary(depth));
            }

            return new RuleAnd([.. terms]);
        }

        private RuleExpression ParseUnary(int depth)
        {
            Token token = Peek();
            switch (token.Kind)
            {
                case TokenKind.Not:
                    CheckDepth(token, depth);
                    Take();
                    return new RuleNot(token.Column, ParseUnary(depth + 1));
                case TokenKind.OpenParen:
                    CheckDepth(token, depth);
                    Take();
                    RuleExpression inner = ParseOr(depth + 1);
                    Token close = Peek();
                    if (close.Kind == TokenKind.End)
                    {
                        throw Error(close, "expected ')' but found end of rule", "')'", $"the '(' at column {token.Column} is not closed");
                    }

                    if (close.Kind != TokenKind.CloseParen)
                    {
                        throw Error(close, $"expected '&&', '||' or ')' but found {Describe(close)}", "'&&', '||' or ')'", "join matchers with && or ||");
                    }

                    Take();
                    return inner;
                case TokenKind.Identifier:
                    return ParseMatcher();
                case TokenKind.Value:
                    throw Error(token, $"expected a matcher but found {Describe(token)}", "a matcher", "values go inside a matcher, e.g. Host(`example.com`)");
                default:
                    throw Error(token, $"expected a matcher but found {Describe(token)}", "a matcher");
            }
        }

        private void CheckDepth(Token token, int depth)
        {
            if (depth >= options.MaxNestingDepth)
            {
                throw Error(token, $"rule nests deeper than {options.MaxNestingDepth} levels");
            }
        }

        private RuleMatcher ParseMatcher()
        {
            Token name = Take();
            string text = name.Text!;
            if (!MatcherCatalog.TryGet(kind, text, out MatcherCatalog.Entry entry))
            {
                RuleKind other = kind == RuleKind.Http ? RuleKind.Tcp : RuleKind.Http;
                if (MatcherCatalog.TryGet(other, text, out _))
                {
                    throw Error(name, $"'{text}' is {WithArticle(other)} matcher and cannot be used in {WithArticle(kind)} rule");
                }

                string? suggestion = MatcherCatalog.Suggest(kind, text);
                throw Error(name, $"unknown matcher '{text}'", "a matcher", suggestion is null ? null : $"did you mean {suggestion}?");
            }

            Token open = Peek();
            if (open.Kind != TokenKind.OpenParen)
            {
                throw Error(open, $"expected '(' after '{text}' but found {Describe(open)}", "'('");
            }

            Take();
            List<string> arguments = _arguments;
            List<int> columns = _columns;
            arguments.Clear();
            columns.Clear();
            if (Peek().Kind == TokenKind.CloseParen)
            {
                Take();
            }
            else
            {
                while (true)
                {
                    Token value = Peek();
                    if (value.Kind != TokenKind.Value)
                    {
                        throw Error(value, $"expected a quoted value but found {Describe(value)}", "a quoted value", "quote values with backticks or double quotes, e.g. Host(`example.com`)");
                    }

                    Take();
                    arguments.Add(value.Text!);
                    columns.Add(value.Column);
                    Token separator = Peek();
                    if (separator.Kind == TokenKind.CloseParen)
                    {
                        Take();
                        break;
                    }

                    if (separator.Kind != TokenKind.Comma)
                    {
                        throw Error(separator, $"expected ',' or ')' but found {Describe(separator)}", "',' or ')'");
                    }

                    Take();
                }
            }

            CheckArity(name, entry, arguments.Count);
            // Traefik v3: QueryRegexp with only a key is Query with only a key.
            MatcherKind matcherKind = entry.Kind == MatcherKind.QueryRegexp && arguments.Count == 1 ? MatcherKind.Query : entry.Kind;
            var matcher = new RuleMatcher(name.Column, matcherKind, text, [.. arguments]);
            Validate(matcher, columns);
            return matcher;
        }

        private void CheckArity(Token name, MatcherCatalog.Entry entry, int count)
        {
            if (count >= entry.MinArguments && count <= entry.MaxArguments)
            {
                return;
            }

            string expected = entry.MinArguments == entry.MaxArguments
                ? $"{entry.MinArguments} {(entry.MinArguments == 1 ? "value" : "values")}"
                : $"{entry.MinArguments} or {entry.MaxArguments} values";
            string? hint = entry.MaxArguments == 1 && count > 1
                ? $"Traefik v3 takes one value per matcher: combine them with ||, e.g. {name.Text}(`a`) || {name.Text}(`b`)"
                : null;
            throw Error(name, $"{name.Text} takes {expected} but got {count}", expected, hint);
        }

        private RuleSyntaxException Error(Token at, string problem, string? expected = null, string? hint = null)
            => new(rule, at.Column, problem, expected, hint);

        private RuleSyntaxException Error(int column, string problem, string? hint = null, string? detail = null)
            => new(rule, column, problem, null, hint, detail);

        private static string WithArticle(RuleKind ruleKind) => ruleKind == RuleKind.Http ? "an HTTP" : "a TCP";

        private static string Describe(Token token) => token.Kind switch
        {
            TokenKind.End => "end of rule",
            TokenKind.Identifier => $"'{token.Text}'",
            TokenKind.Value => "a quoted value",
            TokenKind.OpenParen => "'('",
            TokenKind.CloseParen => "')'",
            TokenKind.Comma => "','",
            TokenKind.And => "'&&'",
            TokenKind.Or => "'||'",
            _ => "'!'",
        };
    }
}
