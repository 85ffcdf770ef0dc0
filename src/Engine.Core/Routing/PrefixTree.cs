using System.Runtime.CompilerServices;
using System.Text;

namespace Engine.Core.Routing;

/// <summary>
/// A radix tree of PathPrefix values (case-sensitive bytes, as Traefik compares paths): walking
/// a request path visits every prefix of it that some route names, in O(path length). Built in
/// one pass over the sorted prefixes: a node's children are the groups sharing the next byte,
/// and a group's common prefix (that of its first and last member) is the child's edge label.
/// </summary>
internal sealed class PrefixTree
{
    /// <summary>Matched nodes kept before evaluating deepest-first; more are flushed early.</summary>
    private const int PendingCapacity = 8;

    private readonly Node _root;

    public PrefixTree(List<(byte[] Prefix, Candidate[] Candidates)> prefixes)
    {
        prefixes.Sort(static (a, b) => a.Prefix.AsSpan().SequenceCompareTo(b.Prefix));
        _root = Build(prefixes, 0, prefixes.Count, 0, []);
    }

    /// <summary>
    /// Scans the candidates of every prefix of <paramref name="path"/>, the longest first: with
    /// priorities defaulting to rule length, longer prefixes usually rank first, which lets the
    /// shorter ones stop at once.
    /// </summary>
    public void Scan<TInput>(ReadOnlySpan<byte> path, ref TInput input, ReadOnlySpan<byte> host, ref int best)
        where TInput : IRouteInput, allows ref struct
    {
        PendingNodes pending = default;
        int count = 0;
        Node node = _root;
        int position = 0;
        while (true)
        {
            if (node.Candidates is not null)
            {
                if (count == PendingCapacity)
                {
                    Flush(ref pending, ref count, ref input, host, ref best);
                }

                pending[count++] = node;
            }

            if (position >= path.Length)
            {
                break;
            }

            int child = node.FirstBytes.AsSpan().IndexOf(path[position]);
            if (child < 0)
            {
                break;
            }

            node = node.Children[child];
            if (!path[position..].StartsWith(node.Label))
            {
                break;
            }

            position += node.Label.Length;
        }

        Flush(ref pending, ref count, ref input, host, ref best);
    }

    public void Describe(StringBuilder builder, Action<StringBuilder, string, Candidate[]> describeList)
        => Describe(_root, "", builder, describeList);

    private static void Flush<TInput>(ref PendingNodes pending, ref int count, ref TInput input, ReadOnlySpan<byte> host, ref int best)
        where TInput : IRouteInput, allows ref struct
    {
        for (int i = count - 1; i >= 0; i--)
        {
            Candidate.ScanHttp(pending[i].Candidates!, ref input, host, ref best);
        }

        count = 0;
    }

    private static void Describe(Node node, string prefix, StringBuilder builder, Action<StringBuilder, string, Candidate[]> describeList)
    {
        string here = prefix + Encoding.UTF8.GetString(node.Label);
        if (node.Candidates is not null)
        {
            describeList(builder, here, node.Candidates);
        }

        foreach (Node child in node.Children)
        {
            Describe(child, here, builder, describeList);
        }
    }

    private static Node Build(List<(byte[] Prefix, Candidate[] Candidates)> sorted, int start, int end, int depth, byte[] label)
    {
        Candidate[]? candidates = null;
        if (start < end && sorted[start].Prefix.Length == depth)
        {
            // Sorted order puts the prefix that ends exactly here first; prefixes are distinct.
            candidates = sorted[start].Candidates;
            start++;
        }

        var firstBytes = new List<byte>();
        var children = new List<Node>();
        int i = start;
        while (i < end)
        {
            byte first = sorted[i].Prefix[depth];
            int groupEnd = i + 1;
            while (groupEnd < end && sorted[groupEnd].Prefix[depth] == first)
            {
                groupEnd++;
            }

            byte[] a = sorted[i].Prefix;
            byte[] b = sorted[groupEnd - 1].Prefix;
            int common = depth + a.AsSpan(depth).CommonPrefixLength(b.AsSpan(depth));
            firstBytes.Add(first);
            children.Add(Build(sorted, i, groupEnd, common, a[depth..common]));
            i = groupEnd;
        }

        return new Node(label, [.. firstBytes], [.. children], candidates);
    }

    private sealed class Node(byte[] label, byte[] firstBytes, Node[] children, Candidate[]? candidates)
    {
        public byte[] Label { get; } = label;

        public byte[] FirstBytes { get; } = firstBytes;

        public Node[] Children { get; } = children;

        public Candidate[]? Candidates { get; } = candidates;
    }

    [InlineArray(PendingCapacity)]
    private struct PendingNodes
    {
        private Node _element;
    }
}
