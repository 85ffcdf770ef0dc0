using Engine.Core.Routing;

namespace Engine.Core.Configuration;

/// <summary>"Did you mean ...?" for a name that names nothing: the closest known name by edit distance.</summary>
public static class NameSuggestions
{
    /// <summary>The closest of <paramref name="known"/> to <paramref name="name"/>, or null when none is close (more than a third of the letters differ).</summary>
    public static string? Closest(string name, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        string lower = name.ToLowerInvariant();
        foreach (string candidate in known)
        {
            int distance = MatcherCatalog.Levenshtein(lower, candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return bestDistance <= Math.Max(1, name.Length / 3) ? best : null;
    }

    /// <summary>The end of a message about <paramref name="name"/>: "; did you mean 'x'?" when one is close, else ".".</summary>
    public static string Ending(string name, IEnumerable<string> known) =>
        Closest(name, known) is { } suggestion ? $"; did you mean '{suggestion}'?" : ".";
}
