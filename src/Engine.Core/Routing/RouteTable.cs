using System.Text;

namespace Engine.Core.Routing;

/// <summary>Compiles route sets into immutable matching tables.</summary>
public static class RouteTable
{
    /// <summary>
    /// Parses, ranks and indexes <paramref name="routes"/> for HTTP. Throws
    /// <see cref="RouteTableException"/> listing every invalid route (bad rule, duplicate name).
    /// </summary>
    public static RouteTable<T> Compile<T>(IEnumerable<RouteDefinition<T>> routes, RuleParserOptions? options = null)
    {
        var regexes = new Dictionary<string, DeferredRegex>(StringComparer.Ordinal);
        return new(RouteOrder.ParseAndRank(routes, RuleKind.Http, options, regexes), [.. regexes.Values]);
    }

    /// <summary>As <see cref="Compile{T}"/>, for TCP routers (HostSNI, HostSNIRegexp, ClientIP, ALPN).</summary>
    public static TcpRouteTable<T> CompileTcp<T>(IEnumerable<RouteDefinition<T>> routes, RuleParserOptions? options = null)
        => new(RouteOrder.ParseAndRank(routes, RuleKind.Tcp, options));
}

/// <summary>
/// An immutable, thread-safe HTTP route table. A match answers exactly what evaluating every
/// rule in order (priority descending, then name) would, without doing so:
/// <code>
///   request host (port and one trailing dot removed, case ignored)
///     |-- exact-host table      host -> PathIndex
///     |-- wildcard-suffix table "example.com" (from *.example.com) -> PathIndex
///     '-- any host              PathIndex
///   PathIndex: exact path table | PathPrefix list or radix tree | no path constraint
///     -> candidate lists sorted by rank, each candidate with its residual predicate
/// </code>
/// Every list is scanned only while its ranks beat the best match found so far, so the result
/// is the lowest-ranked (highest-priority) matching route across all buckets.
/// <see cref="TryMatch{TInput}(TInput, out T)"/> allocates nothing.
/// </summary>
public sealed partial class RouteTable<T>
{
    private readonly ByteKeyTable<PathIndex> _hosts;
    private readonly ByteKeyTable<PathIndex> _wildcards;
    private readonly PathIndex _anyHost;
    private readonly T[] _targets;
    private readonly string[] _names;
    private readonly int[] _priorities;

    // Every distinct regex of the table: validated at compile, built on first use or by PrepareRegexes.
    private readonly DeferredRegex[] _regexes;

    /// <summary>Number of routes.</summary>
    public int Count => _targets.Length;

    /// <summary>Distinct regexes the table's rules use.</summary>
    public int RegexCount => _regexes.Length;

    /// <summary>
    /// Builds every regex not built yet (each costs 0.1-2.5 ms). Compile only validates them, so
    /// that a big table compiles fast; a host calls this off the request path right after
    /// swapping the table in, so that few requests, if any, pay for a first build. Safe to run
    /// while requests match. Returns how many it built.
    /// </summary>
    public int PrepareRegexes()
    {
        int built = 0;
        foreach (DeferredRegex regex in _regexes)
        {
            if (!regex.IsBuilt)
            {
                _ = regex.Value;
                built++;
            }
        }

        return built;
    }

    /// <summary>Router names in evaluation order.</summary>
    public IReadOnlyList<string> Order => _names;

    public bool TryMatch<TInput>(TInput input, out T target)
        where TInput : IRouteInput, allows ref struct
    {
        int rank = MatchRank(ref input);
        if (rank < 0)
        {
            target = default!;
            return false;
        }

        target = _targets[rank];
        return true;
    }

    /// <summary>As <see cref="TryMatch{TInput}(TInput, out T)"/>, also naming the router (for logs and metrics).</summary>
    public bool TryMatch<TInput>(TInput input, out T target, out string routeName)
        where TInput : IRouteInput, allows ref struct
    {
        int rank = MatchRank(ref input);
        if (rank < 0)
        {
            target = default!;
            routeName = "";
            return false;
        }

        target = _targets[rank];
        routeName = _names[rank];
        return true;
    }

    private int MatchRank<TInput>(ref TInput input)
        where TInput : IRouteInput, allows ref struct
    {
        // :: Step 1: the host as Traefik canonizes it, once.
        ReadOnlySpan<byte> host = AsciiBytes.CanonicalHost(input.Host);
        ReadOnlySpan<byte> hostKey = AsciiBytes.WithoutTrailingDot(host);
        int best = int.MaxValue;

        // :: Step 2: routes for this exact host, then for "*.<host minus its first label>".
        if (!hostKey.IsEmpty)
        {
            if (_hosts.Count > 0 && _hosts.TryGetValue(hostKey, out PathIndex? exact))
            {
                exact.Scan(ref input, host, ref best);
            }

            ReadOnlySpan<byte> suffix = AsciiBytes.WildcardSuffix(hostKey);
            if (_wildcards.Count > 0 && !suffix.IsEmpty && _wildcards.TryGetValue(suffix, out PathIndex? wildcard))
            {
                wildcard.Scan(ref input, host, ref best);
            }
        }

        // :: Step 3: routes that name no host (or only ones the index cannot use, e.g. HostRegexp).
        _anyHost.Scan(ref input, host, ref best);
        return best == int.MaxValue ? -1 : best;
    }

    /// <summary>
    /// A text dump of the compiled table for an admin debug endpoint: every bucket, every path
    /// index entry and every candidate with its rank, priority and residual predicate.
    /// </summary>
    public string Describe()
    {
        var builder = new StringBuilder();
        builder.Append("http route table: ").Append(Count).Append(" routes, ")
            .Append(_hosts.Count).Append(" exact hosts, ")
            .Append(_wildcards.Count).Append(" wildcard suffixes\n");
        foreach (KeyValuePair<byte[], PathIndex> entry in _hosts.Entries.OrderBy(e => Encoding.ASCII.GetString(e.Key), StringComparer.Ordinal))
        {
            builder.Append("host ").Append(AsciiBytes.Printable(entry.Key)).Append('\n');
            entry.Value.Describe(builder, DescribeList);
        }

        foreach (KeyValuePair<byte[], PathIndex> entry in _wildcards.Entries.OrderBy(e => Encoding.ASCII.GetString(e.Key), StringComparer.Ordinal))
        {
            builder.Append("host *.").Append(AsciiBytes.Printable(entry.Key)).Append('\n');
            entry.Value.Describe(builder, DescribeList);
        }

        builder.Append("any host\n");
        _anyHost.Describe(builder, DescribeList);
        return builder.ToString();
    }

    private void DescribeList(StringBuilder builder, string label, Candidate[] candidates)
    {
        builder.Append("  ").Append(label).Append('\n');
        foreach (Candidate candidate in candidates)
        {
            builder.Append("    #").Append(candidate.Rank).Append(' ').Append(_names[candidate.Rank])
                .Append(" (priority ").Append(_priorities[candidate.Rank]).Append(')');
            if (candidate.Residual is not null)
            {
                builder.Append(" if ");
                candidate.Residual.Describe(builder);
            }

            builder.Append('\n');
        }
    }
}
