using System.Text;

namespace Engine.Core.Routing;

/// <summary>
/// An immutable, thread-safe TCP route table: the HTTP table's host levels keyed by the
/// ClientHello's server name (exact, single-label wildcard, then routes naming no server name,
/// which include HostSNI(`*`)), with the same rank-bounded scan and no allocation per match.
/// </summary>
public sealed class TcpRouteTable<T>
{
    private readonly ByteKeyTable<Candidate[]> _names;
    private readonly ByteKeyTable<Candidate[]> _wildcards;
    private readonly Candidate[] _anyName;
    private readonly T[] _targets;
    private readonly string[] _routeNames;
    private readonly int[] _priorities;

    internal TcpRouteTable(ParsedRoute<T>[] routes)
    {
        _targets = Array.ConvertAll(routes, r => r.Target);
        _routeNames = Array.ConvertAll(routes, r => r.Name);
        _priorities = Array.ConvertAll(routes, r => r.Priority);
        var names = new Dictionary<string, List<Candidate>>(StringComparer.Ordinal);
        var wildcards = new Dictionary<string, List<Candidate>>(StringComparer.Ordinal);
        var anyName = new List<Candidate>();
        foreach (ParsedRoute<T> route in routes)
        {
            foreach (RuleBranch branch in RuleCompiler.Branches(route.Expression))
            {
                var candidate = new Candidate(route.Rank, branch.Residual);
                if (branch.Hosts.Length == 0)
                {
                    anyName.Add(candidate);
                    continue;
                }

                foreach (HostKey host in branch.Hosts)
                {
                    Dictionary<string, List<Candidate>> table = host.Wildcard ? wildcards : names;
                    if (!table.TryGetValue(host.Key, out List<Candidate>? list))
                    {
                        list = [];
                        table.Add(host.Key, list);
                    }

                    list.Add(candidate);
                }
            }
        }

        _names = Freeze(names);
        _wildcards = Freeze(wildcards);
        _anyName = [.. anyName];
    }

    public int Count => _targets.Length;

    public IReadOnlyList<string> Order => _routeNames;

    public bool TryMatch<TInput>(TInput input, out T target)
        where TInput : ITcpRouteInput, allows ref struct
    {
        ReadOnlySpan<byte> serverName = input.ServerName;
        ReadOnlySpan<byte> key = AsciiBytes.WithoutTrailingDot(serverName);
        int best = int.MaxValue;
        if (!key.IsEmpty)
        {
            if (_names.Count > 0 && _names.TryGetValue(key, out Candidate[]? exact))
            {
                Candidate.ScanTcp(exact, ref input, serverName, ref best);
            }

            ReadOnlySpan<byte> suffix = AsciiBytes.WildcardSuffix(key);
            if (_wildcards.Count > 0 && !suffix.IsEmpty && _wildcards.TryGetValue(suffix, out Candidate[]? wildcard))
            {
                Candidate.ScanTcp(wildcard, ref input, serverName, ref best);
            }
        }

        Candidate.ScanTcp(_anyName, ref input, serverName, ref best);
        if (best == int.MaxValue)
        {
            target = default!;
            return false;
        }

        target = _targets[best];
        return true;
    }

    /// <summary>A text dump of the table: each server-name bucket and its candidates.</summary>
    public string Describe()
    {
        var builder = new StringBuilder();
        builder.Append("tcp route table: ").Append(Count).Append(" routes, ")
            .Append(_names.Count).Append(" exact server names, ")
            .Append(_wildcards.Count).Append(" wildcard suffixes\n");
        foreach (KeyValuePair<byte[], Candidate[]> entry in _names.Entries.OrderBy(e => Encoding.ASCII.GetString(e.Key), StringComparer.Ordinal))
        {
            DescribeList(builder, "sni " + AsciiBytes.Printable(entry.Key), entry.Value);
        }

        foreach (KeyValuePair<byte[], Candidate[]> entry in _wildcards.Entries.OrderBy(e => Encoding.ASCII.GetString(e.Key), StringComparer.Ordinal))
        {
            DescribeList(builder, "sni *." + AsciiBytes.Printable(entry.Key), entry.Value);
        }

        DescribeList(builder, "any sni", _anyName);
        return builder.ToString();
    }

    private static ByteKeyTable<Candidate[]> Freeze(Dictionary<string, List<Candidate>> lists)
    {
        var entries = new List<KeyValuePair<byte[], Candidate[]>>(lists.Count);
        foreach (KeyValuePair<string, List<Candidate>> entry in lists)
        {
            entries.Add(new(Encoding.ASCII.GetBytes(entry.Key), [.. entry.Value]));
        }

        return new ByteKeyTable<Candidate[]>(entries, ignoreCase: true);
    }

    private void DescribeList(StringBuilder builder, string label, Candidate[] candidates)
    {
        builder.Append(label).Append('\n');
        foreach (Candidate candidate in candidates)
        {
            builder.Append("    #").Append(candidate.Rank).Append(' ').Append(_routeNames[candidate.Rank])
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
