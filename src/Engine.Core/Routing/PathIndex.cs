using System.Text;

namespace Engine.Core.Routing;

/// <summary>
/// The routes of one host bucket (an exact host, a wildcard suffix, or "any host"), indexed by
/// the path they require: an exact-path hash table, PathPrefix values (a short list scanned
/// longest-first, or a <see cref="PrefixTree"/> when there are many), and the routes that
/// require no path.
/// </summary>
internal sealed class PathIndex
{
    /// <summary>Up to this many prefixes a linear scan beats walking a tree.</summary>
    internal const int LinearPrefixLimit = 8;

    private readonly ByteKeyTable<Candidate[]>? _exact;
    private readonly (byte[] Prefix, Candidate[] Candidates)[] _prefixList;
    private readonly PrefixTree? _prefixTree;
    private readonly Candidate[] _anyPath;

    public PathIndex(
        List<KeyValuePair<byte[], Candidate[]>> exact,
        List<(byte[] Prefix, Candidate[] Candidates)> prefixes,
        Candidate[] anyPath)
    {
        _exact = exact.Count > 0 ? new ByteKeyTable<Candidate[]>(exact, ignoreCase: false) : null;
        if (prefixes.Count > LinearPrefixLimit)
        {
            _prefixTree = new PrefixTree(prefixes);
            _prefixList = [];
        }
        else
        {
            prefixes.Sort(static (a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
            _prefixList = [.. prefixes];
        }

        _anyPath = anyPath;
        MinRank = int.MaxValue;
        foreach (Candidate[] list in exact.Select(e => e.Value).Concat(prefixes.Select(p => p.Candidates)).Append(anyPath))
        {
            if (list.Length > 0)
            {
                MinRank = Math.Min(MinRank, list[0].Rank);
            }
        }
    }

    /// <summary>The best rank any route here has; a bucket that cannot beat the current best is skipped.</summary>
    public int MinRank { get; }

    public void Scan<TInput>(ref TInput input, ReadOnlySpan<byte> host, ref int best)
        where TInput : IRouteInput, allows ref struct
    {
        if (MinRank >= best)
        {
            return;
        }

        ReadOnlySpan<byte> path = input.Path;
        if (_exact is not null && _exact.TryGetValue(path, out Candidate[]? exact))
        {
            Candidate.ScanHttp(exact, ref input, host, ref best);
        }

        if (_prefixTree is not null)
        {
            _prefixTree.Scan(path, ref input, host, ref best);
        }
        else
        {
            foreach ((byte[] prefix, Candidate[] candidates) in _prefixList)
            {
                if (path.StartsWith(prefix))
                {
                    Candidate.ScanHttp(candidates, ref input, host, ref best);
                }
            }
        }

        Candidate.ScanHttp(_anyPath, ref input, host, ref best);
    }

    public void Describe(StringBuilder builder, Action<StringBuilder, string, Candidate[]> describeList)
    {
        if (_exact is not null)
        {
            foreach (KeyValuePair<byte[], Candidate[]> entry in _exact.Entries.OrderBy(e => Encoding.UTF8.GetString(e.Key), StringComparer.Ordinal))
            {
                describeList(builder, "path = " + Encoding.UTF8.GetString(entry.Key), entry.Value);
            }
        }

        if (_prefixTree is not null)
        {
            _prefixTree.Describe(builder, (b, prefix, list) => describeList(b, "prefix " + prefix + " (tree)", list));
        }

        foreach ((byte[] prefix, Candidate[] candidates) in _prefixList)
        {
            describeList(builder, "prefix " + Encoding.UTF8.GetString(prefix), candidates);
        }

        if (_anyPath.Length > 0)
        {
            describeList(builder, "any path", _anyPath);
        }
    }
}
