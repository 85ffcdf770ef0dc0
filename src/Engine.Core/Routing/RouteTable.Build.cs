using System.Text;

namespace Engine.Core.Routing;

public sealed partial class RouteTable<T>
{
    internal RouteTable(ParsedRoute<T>[] routes, DeferredRegex[] regexes)
    {
        _regexes = regexes;
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

        private readonly List<PathEntry> _paths = new(2);
        private List<Candidate>? _anyPath;
        private Dictionary<(string, bool), PathEntry>? _index;

        public void Add(RuleBranch branch, int rank)
        {
            var candidate = new Candidate(rank, branch.Residual);
            if (branch.Path is not RuleMatcher path)
            {
                (_anyPath ??= []).Add(candidate);
                return;
            }

            bool exact = path.Kind == MatcherKind.Path;
            PathEntry? entry = Find(path.Value, exact);
            if (entry is not null)
            {
                (entry.More ??= []).Add(candidate);
                return;
            }

            entry = new PathEntry(path.Value, exact, candidate);
            _paths.Add(entry);
            if (_index is not null)
            {
                _index.Add((path.Value, exact), entry);
            }
            else if (_paths.Count > IndexThreshold)
            {
                _index = new Dictionary<(string, bool), PathEntry>(_paths.Count * 2);
                foreach (PathEntry known in _paths)
                {
                    _index.Add((known.Path, known.Exact), known);
                }
            }
        }

        public PathIndex Freeze()
        {
            int exactCount = 0;
            foreach (PathEntry entry in _paths)
            {
                exactCount += entry.Exact ? 1 : 0;
            }

            var exact = new List<KeyValuePair<byte[], Candidate[]>>(exactCount);
            var prefixes = new List<(byte[], Candidate[])>(_paths.Count - exactCount);
            foreach (PathEntry entry in _paths)
            {
                byte[] key = Encoding.UTF8.GetBytes(entry.Path);
                if (entry.Exact)
                {
                    exact.Add(new(key, entry.ToArray()));
                }
                else
                {
                    prefixes.Add((key, entry.ToArray()));
                }
            }

            return new PathIndex(exact, prefixes, _anyPath is null ? [] : [.. _anyPath]);
        }

        private PathEntry? Find(string path, bool exact)
        {
            if (_index is not null)
            {
                return _index.TryGetValue((path, exact), out PathEntry? found) ? found : null;
            }

            foreach (PathEntry entry in _paths)
            {
                if (entry.Exact == exact && string.Equals(entry.Path, path, StringComparison.Ordinal))
                {
                    return entry;
                }
            }

            return null;
        }
    }

    /// <summary>One path of a bucket; most have a single candidate, kept inline.</summary>
    private sealed class PathEntry(string path, bool exact, Candidate first)
    {
        public string Path { get; } = path;

        public bool Exact { get; } = exact;

        public List<Candidate>? More { get; set; }

        public Candidate[] ToArray()
        {
            if (More is null)
            {
                return [first];
            }

            var all = new Candidate[More.Count + 1];
            all[0] = first;
            More.CopyTo(all, 1);
            return all;
        }
    }
}
