using System.Diagnostics;
using System.Text;
using Engine.Core.Routing;
using Engine.TestSupport.Routing;

namespace Engine.Fuzz.Routing;

/// <summary>
/// Fuzzes <see cref="RuleParser.Parse(string, RuleKind, RuleParserOptions?)"/> with every input
/// as an HTTP rule and as a TCP rule. Per input and kind: only <see cref="RuleSyntaxException"/>
/// may escape, with a column inside the rule; one parse takes at most <see cref="ParseTimeLimit"/>
/// (FuzzRunner's hang limit times the whole input, which here is two kinds, two compilations and
/// many matches). A rule that parses must print (<see cref="RuleExpression.ToString"/>) a
/// canonical form that parses back to itself, must compile into a table of one route, and that
/// table must answer every probe (<see cref="RuleProbes"/>) as the reference interpreter does.
/// </summary>
internal sealed class RuleParserTarget : IFuzzTarget
{
    public static readonly TimeSpan ParseTimeLimit = TimeSpan.FromSeconds(1);

    // The canonical form parenthesises every && and || chain, so it may nest deeper and run longer
    // than the rule it came from; the limits are not what this oracle checks.
    private static readonly RuleParserOptions Reparse = new() { MaxNestingDepth = 4 * RuleParserOptions.Default.MaxNestingDepth, MaxRuleLength = int.MaxValue };

    public string Name => "rule";

    public IEnumerable<byte[]> Seeds => RuleSeeds.Rules.Select(Encoding.UTF8.GetBytes);

    public IReadOnlyList<byte[]> Tokens => RuleSeeds.Tokens;

    public void Run(ReadOnlySpan<byte> input)
    {
        string rule = Decode(input);
        if (TryParse(rule, RuleKind.Http) is { } http)
        {
            CheckCanonicalForm(rule, RuleKind.Http, http);
            CheckHttpTable(rule, http);
        }

        if (TryParse(rule, RuleKind.Tcp) is { } tcp)
        {
            CheckCanonicalForm(rule, RuleKind.Tcp, tcp);
            CheckTcpTable(rule, tcp);
        }
    }

    /// <summary>Whether the input parses as either kind: such inputs join the corpus.</summary>
    public static bool Accepts(ReadOnlySpan<byte> input)
    {
        string rule = Decode(input);
        return Parses(rule, RuleKind.Http) || Parses(rule, RuleKind.Tcp);
    }

    // Rules come from UTF-8 config files; Latin-1 gives the parser the C1 controls and other
    // single characters a lossy UTF-8 decoding would fold into U+FFFD. The input picks, so a replay does the same.
    private static string Decode(ReadOnlySpan<byte> input) =>
        input.Length > 0 && (input[^1] & 1) == 1 ? Encoding.Latin1.GetString(input) : Encoding.UTF8.GetString(input);

    private static bool Parses(string rule, RuleKind kind)
    {
        try
        {
            RuleParser.Parse(rule, kind);
            return true;
        }
        catch (RuleSyntaxException)
        {
            return false;
        }
    }

    private static RuleExpression? TryParse(string rule, RuleKind kind)
    {
        long start = Stopwatch.GetTimestamp();
        RuleExpression? expression = null;
        try
        {
            expression = RuleParser.Parse(rule, kind);
        }
        catch (RuleSyntaxException e)
        {
            if (!ReferenceEquals(e.Rule, rule) || e.Column < 1 || e.Column > rule.Length + 1)
            {
                throw new FuzzFindingException($"{kind}: the error \"{e.Message}\" points at column {e.Column} of a {rule.Length}-character rule.");
            }
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        if (elapsed > ParseTimeLimit)
        {
            throw new FuzzFindingException($"Hang: parsing the {rule.Length}-character rule as {kind} took {elapsed.TotalMilliseconds:F0} ms.");
        }

        return expression;
    }

    private static void CheckCanonicalForm(string rule, RuleKind kind, RuleExpression expression)
    {
        string canonical = expression.ToString();
        string again;
        try
        {
            again = RuleParser.Parse(canonical, kind, Reparse).ToString();
        }
        catch (RuleSyntaxException e)
        {
            throw new FuzzFindingException($"{kind}: the canonical form {canonical} of {rule} does not parse: {e.Message}");
        }

        if (again != canonical)
        {
            throw new FuzzFindingException($"{kind}: the canonical form {canonical} of {rule} parses to {again}.");
        }
    }

    private static void CheckHttpTable(string rule, RuleExpression expression)
    {
        RouteDefinition<string>[] routes = [new("r", rule, null, "r")];
        RouteTable<string> table;
        RouteInterpreter<string> interpreter;
        try
        {
            table = RouteTable.Compile(routes);
            interpreter = RouteInterpreter.Create(routes);
        }
        catch (RouteTableException e)
        {
            throw new FuzzFindingException($"Http: the rule parses but does not compile: {e.Message}");
        }

        if (table.Count != 1 || table.Order.Count != 1 || table.Order[0] != "r")
        {
            throw new FuzzFindingException($"Http: one route compiled into a table of {table.Count}.");
        }

        _ = table.Describe();
        foreach (FuzzRequest request in RuleProbes.FixedRequests.Append(RuleProbes.RequestFor(expression)))
        {
            bool compiled = table.TryMatch(request, out string target, out string name);
            bool interpreted = interpreter.TryMatch(request, out _);
            if (compiled != interpreted || (compiled && (target != "r" || name != "r")))
            {
                throw new FuzzFindingException($"Http: for {request} the table says {compiled}, the interpreter {interpreted}; rule {expression}.");
            }
        }
    }

    private static void CheckTcpTable(string rule, RuleExpression expression)
    {
        RouteDefinition<string>[] routes = [new("r", rule, null, "r")];
        TcpRouteTable<string> table;
        TcpRouteInterpreter<string> interpreter;
        try
        {
            table = RouteTable.CompileTcp(routes);
            interpreter = RouteInterpreter.CreateTcp(routes);
        }
        catch (RouteTableException e)
        {
            throw new FuzzFindingException($"Tcp: the rule parses but does not compile: {e.Message}");
        }

        if (table.Count != 1)
        {
            throw new FuzzFindingException($"Tcp: one route compiled into a table of {table.Count}.");
        }

        _ = table.Describe();
        foreach (FuzzConnection connection in RuleProbes.FixedConnections.Append(RuleProbes.ConnectionFor(expression)))
        {
            bool compiled = table.TryMatch(connection, out string target);
            bool interpreted = interpreter.TryMatch(connection, out _);
            if (compiled != interpreted || (compiled && target != "r"))
            {
                throw new FuzzFindingException($"Tcp: for {connection} the table says {compiled}, the interpreter {interpreted}; rule {expression}.");
            }
        }
    }
}
