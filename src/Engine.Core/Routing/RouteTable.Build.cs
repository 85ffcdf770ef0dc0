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
                BucketBuilder bucket = anyHost;
                if (branch.Host is RuleMatcher host)
                {
                    Dictionary<string, BucketBuilder> table = host.IsWildcard ? wildcards : hosts;
                    string key = host.IsWildcard ? host.Value[2..] : host.Value;
                    if (!table.TryGetValue(key, out bucket!))
                    {
                        bucket = new BucketBuilder();
                        table.Add(key, bucket);
                    }
                }

                bucket.Add(branch, route.Rank);
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

    private sealed class BucketBuilder
    {
        private readonly Dictionary<string, List<Candidate>> _exact = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Candidate>> _prefixes = new(StringComparer.Ordinal);
        private readonly List<Candidate> _anyPath = [];

        public void Add(RuleBranch branch, int rank)
        {
            var candidate = new Candidate(rank, branch.Residual);
            if (branch.Path is not RuleMatcher path)
            {
                _anyPath.Add(candidate);
                return;
            }

            Dictionary<string, List<Candidate>> table = path.Kind == MatcherKind.Path ? _exact : _prefixes;
            if (!table.TryGetValue(path.Value, out List<Candidate>? list))
            {
                list = [];
                table.Add(path.Value, list);
            }

            list.Add(candidate);
        }

        public PathIndex Freeze()
        {
            var exact = new List<KeyValuePair<byte[], Candidate[]>>(_exact.Count);
            foreach (KeyValuePair<string, List<Candidate>> entry in _exact)
            {
                exact.Add(new(Encoding.UTF8.GetBytes(entry.Key), [.. entry.Value]));
            }

            var prefixes = new List<(byte[], Candidate[])>(_prefixes.Count);
            foreach (KeyValuePair<string, List<Candidate>> entry in _prefixes)
            {
                prefixes.Add((Encoding.UTF8.GetBytes(entry.Key), [.. entry.Value]));
            }

            return new PathIndex(exact, prefixes, [.. _anyPath]);
        }
    }
}
