using System.Collections.Frozen;
using System.Globalization;

namespace Engine.Core.Routing;

/// <summary>
/// The matcher names a rule may call, with their arity. Traefik v3 (pkg/muxer/http/matcher.go,
/// pkg/muxer/tcp/matcher.go) takes exactly one value per matcher, two for Header/HeaderRegexp and
/// one or two for Query/QueryRegexp; the v2 multi-value forms (Host(`a`, `b`)) are refused with a
/// hint to use <c>||</c>, because no seed config uses them. Like Traefik's parser
/// (pkg/rules/parser.go), each name is also accepted all-lowercase, all-uppercase and as
/// lowercase with a capital first letter ("pathprefix", "PATHPREFIX", "Pathprefix").
/// </summary>
internal static class MatcherCatalog
{
    internal sealed record Entry(string CanonicalName, MatcherKind Kind, RuleKind RuleKind, int MinArguments, int MaxArguments, bool IsV2Alias);

    private static readonly Entry[] s_entries =
    [
        new("Host", MatcherKind.Host, RuleKind.Http, 1, 1, false),
        new("HostRegexp", MatcherKind.HostRegexp, RuleKind.Http, 1, 1, false),
        new("Path", MatcherKind.Path, RuleKind.Http, 1, 1, false),
        new("PathPrefix", MatcherKind.PathPrefix, RuleKind.Http, 1, 1, false),
        new("PathRegexp", MatcherKind.PathRegexp, RuleKind.Http, 1, 1, false),
        new("Method", MatcherKind.Method, RuleKind.Http, 1, 1, false),
        new("Header", MatcherKind.Header, RuleKind.Http, 2, 2, false),
        new("HeaderRegexp", MatcherKind.HeaderRegexp, RuleKind.Http, 2, 2, false),
        new("Query", MatcherKind.Query, RuleKind.Http, 1, 2, false),
        new("QueryRegexp", MatcherKind.QueryRegexp, RuleKind.Http, 1, 2, false),
        new("ClientIP", MatcherKind.ClientIP, RuleKind.Http, 1, 1, false),
        new("Headers", MatcherKind.Header, RuleKind.Http, 2, 2, true),
        new("HeadersRegexp", MatcherKind.HeaderRegexp, RuleKind.Http, 2, 2, true),
        new("HostHeader", MatcherKind.Host, RuleKind.Http, 1, 1, true),
        new("HostSNI", MatcherKind.HostSNI, RuleKind.Tcp, 1, 1, false),
        new("HostSNIRegexp", MatcherKind.HostSNIRegexp, RuleKind.Tcp, 1, 1, false),
        new("ClientIP", MatcherKind.ClientIP, RuleKind.Tcp, 1, 1, false),
        new("ALPN", MatcherKind.Alpn, RuleKind.Tcp, 1, 1, false),
    ];

    // Each accepted spelling maps to its entry and to itself, so a lexed name can reuse the string.
    private static readonly FrozenDictionary<string, (Entry Entry, string Name)> s_http = Build(RuleKind.Http);
    private static readonly FrozenDictionary<string, (Entry Entry, string Name)> s_tcp = Build(RuleKind.Tcp);

    private static readonly FrozenDictionary<string, (Entry Entry, string Name)>.AlternateLookup<ReadOnlySpan<char>> s_httpByText = s_http.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly FrozenDictionary<string, (Entry Entry, string Name)>.AlternateLookup<ReadOnlySpan<char>> s_tcpByText = s_tcp.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The catalogue's own string for a known name (no allocation per rule), else a new one.</summary>
    public static string Intern(ReadOnlySpan<char> name)
        => s_httpByText.TryGetValue(name, out (Entry Entry, string Name) known) || s_tcpByText.TryGetValue(name, out known)
            ? known.Name
            : name.ToString();

    public static bool TryGet(RuleKind kind, string name, out Entry entry)
    {
        bool found = (kind == RuleKind.Http ? s_http : s_tcp).TryGetValue(name, out (Entry Entry, string Name) known);
        entry = known.Entry;
        return found;
    }

    /// <summary>The canonical names of <paramref name="kind"/>, in catalogue order.</summary>
    public static IEnumerable<string> Names(RuleKind kind)
    {
        foreach (Entry entry in s_entries)
        {
            if (entry.RuleKind == kind)
            {
                yield return entry.CanonicalName;
            }
        }
    }

    /// <summary>
    /// The known name nearest to <paramref name="name"/> by case-insensitive edit
    /// distance, if it is close enough to be a typo (at most a third of the name's length, at
    /// least 1); null otherwise.
    /// </summary>
    public static string? Suggest(RuleKind kind, string name) => Configuration.NameSuggestions.Closest(name, Names(kind));

    /// <summary>
    /// Edit distance with adjacent transpositions (optimal string alignment), so "Hots" is one
    /// edit from "Host" as a typist would count it.
    /// </summary>
    internal static int Levenshtein(string a, string b)
    {
        // Three rows of the dynamic programme: d[i][j] is the distance between a[..i] and b[..j].
        int[] beforePrevious = new int[b.Length + 1];
        int[] previous = new int[b.Length + 1];
        int[] current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                int best = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    best = Math.Min(best, beforePrevious[j - 2] + 1);
                }

                current[j] = best;
            }

            (beforePrevious, previous, current) = (previous, current, beforePrevious);
        }

        return previous[b.Length];
    }

    private static FrozenDictionary<string, (Entry Entry, string Name)> Build(RuleKind kind)
    {
        var names = new Dictionary<string, (Entry, string)>(StringComparer.Ordinal);
        foreach (Entry entry in s_entries)
        {
            if (entry.RuleKind != kind)
            {
                continue;
            }

            string name = entry.CanonicalName;
            string lower = name.ToLowerInvariant();
            string upper = name.ToUpperInvariant();
            string title = char.ToUpper(lower[0], CultureInfo.InvariantCulture) + lower[1..];
            names[name] = (entry, name);
            names[lower] = (entry, lower);
            names[upper] = (entry, upper);
            names[title] = (entry, title);
        }

        return names.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
