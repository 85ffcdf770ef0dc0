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

    /// <summary>Up to this many exact paths a compare of each beats hashing (and is cheaper to build).</summary>
    internal const int LinearExactLimit = 4;

    private readonly ByteKeyTable<Candidate[]>? _exact;
    private readonly KeyValuePair<byte[], Candidate[]>[] _exactList;
    private readonly (byte[] Prefix, Candidate[] Candidates)[] _prefixList;
    private readonly PrefixTree? _prefixTree;
    private readonly Candidate[] _anyPath;

    public PathIndex(
        List<KeyValuePair<byte[], Candidate[]>> exact,
        List<(byte[] Prefix, Candidate[] Candidates)> prefixes,
        Candidate[] anyPath)
    {
        if (exact.Count > LinearExactLimit)
        {
            _exact = new ByteKeyTable<Candidate[]>(exact, ignoreCase: false);
            _exactList = [];
        }
        else
        {
            _exactList = [.. exact];
        }

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
        int minRank = anyPath.Length > 0 ? anyPath[0].Rank : int.MaxValue;
        foreach (KeyValuePair<byte[], Candidate[]> entry in exact)
        {
            minRank = Math.Min(minRank, entry.Value[0].Rank);
        }

        foreach ((byte[] _, Candidate[] candidates) in prefixes)
        {
            minRank = Math.Min(minRank, candidates[0].Rank);
        }

        MinRank = minRank;
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
        if (_exact is not null)
        {
            if (_exact.TryGetValue(path, out Candidate[]? exact))
            {
                Candidate.ScanHttp(exact, ref input, host, ref best);
            }
        }
        else
        {
            foreach (KeyValuePair<byte[], Candidate[]> entry in _exactList)
            {
                if (path.SequenceEqual(entry.Key))
                {
                    Candidate.ScanHttp(entry.Value, ref input, host, ref best);
                    break;
                }
            }
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
        foreach (KeyValuePair<byte[], Candidate[]> entry in (_exact?.Entries ?? _exactList).OrderBy(e => Encoding.UTF8.GetString(e.Key), StringComparer.Ordinal))
            {
            describeList(builder, "path = " + Encoding.UTF8.GetString(entry.Key), entry.Value);
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
