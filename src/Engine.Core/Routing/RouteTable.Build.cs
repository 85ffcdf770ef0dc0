using System.Text;

namespace Engine.Core.Routing;

public sealed partial class RouteTable<T>
{
    internal RouteTable(ParsedRoute<T>[] routes)
    {
        _targets = Array.ConvertAll(routes, r => r.Target);
        _names = Array.ConvertAll(routes, r => r.Name);
        _priorities = Array.ConvertAll(routes, r => r.Priority);

        var hosts = new Dictionary<string, BucketBuilder>(StringComparer.Ordinal);
        var wildcards = new Dictionary<string, BucketBuilder>(StringComparer.Ordinal);
        var anyHost = new BucketBuilder();

        // Routes arrive in rank order, so every candidate list is built sorted.
        foreach (ParsedRoute<T> route in routes)
        {
            foreach (RuleBranch branch in RuleCompiler.Branches(route.Expression))
            {
                if (branch.Hosts.Length == 0)
                {
                    anyHost.Add(branch, route.Rank);
                    continue;
                }

                foreach (HostKey host in branch.Hosts)
                {
                    Dictionary<string, BucketBuilder> table = host.Wildcard ? wildcards : hosts;
                    if (!table.TryGetValue(host.Key, out BucketBuilder? bucket))
                    {
                        bucket = new BucketBuilder();
                        table.Add(host.Key, bucket);
                    }

                    bucket.Add(branch, route.Rank);
                }
            }
        }

        _hosts = Freeze(hosts);
        _wildcards = Freeze(wildcards);
        _anyHost = anyHost.Freeze();
    }

    private static ByteKeyTable<PathIndex> Freeze(Dictionary<string, BucketBuilder> buckets)
    {
        var entries = new List<KeyValuePair<byte[], PathIndex>>(buckets.Count);
        foreach (KeyValuePair<string, BucketBuilder> bucket in buckets)
        {
            entries.Add(new(Encoding.ASCII.GetBytes(bucket.Key), bucket.Value.Freeze()));
        }

        return new ByteKeyTable<PathIndex>(entries, ignoreCase: true);
    }

    /// <summary>
    /// Collects one host bucket's candidates by path. Most buckets hold a path or two, so entries
    /// live in a list searched linearly; a dictionary index is added only past a few entries.
    /// </summary>
    private sealed class BucketBuilder
    {
        private const int IndexThreshold = 8;

        private readonly List<(string Path, bool Exact, List<Candidate> Candidates)> _paths = [];
        private readonly List<Candidate> _anyPath = [];
        private Dictionary<(string, bool), int>? _index;

        public void Add(RuleBranch branch, int rank)
        {
            var candidate = new Candidate(rank, branch.Residual);
            if (branch.Path is not RuleMatcher path)
            {
                _anyPath.Add(candidate);
                return;
            }

            bool exact = path.Kind == MatcherKind.Path;
            int slot = Find(path.Value, exact);
            if (slot < 0)
            {
                slot = _paths.Count;
                _paths.Add((path.Value, exact, []));
                if (_index is not null)
                {
                    _index.Add((path.Value, exact), slot);
                }
                else if (_paths.Count > IndexThreshold)
                {
                    _index = new Dictionary<(string, bool), int>(_paths.Count * 2);
                    for (int i = 0; i < _paths.Count; i++)
                    {
                        _index.Add((_paths[i].Path, _paths[i].Exact), i);
                    }
                }
            }

            _paths[slot].Candidates.Add(candidate);
        }

        public PathIndex Freeze()
        {
            var exact = new List<KeyValuePair<byte[], Candidate[]>>();
            var prefixes = new List<(byte[], Candidate[])>();
            foreach ((string path, bool isExact, List<Candidate> candidates) in _paths)
            {
                byte[] key = Encoding.UTF8.GetBytes(path);
                if (isExact)
                {
                    exact.Add(new(key, [.. candidates]));
                }
                else
                {
                    prefixes.Add((key, [.. candidates]));
                }
            }

            return new PathIndex(exact, prefixes, [.. _anyPath]);
        }

        private int Find(string path, bool exact)
        {
            if (_index is not null)
            {
                return _index.TryGetValue((path, exact), out int slot) ? slot : -1;
            }

            for (int i = 0; i < _paths.Count; i++)
            {
                if (_paths[i].Exact == exact && string.Equals(_paths[i].Path, path, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
