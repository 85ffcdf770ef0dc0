using Engine.Core.Configuration;
using Engine.Host.Configuration.Toml;

namespace Engine.Host.Configuration;

/// <summary>A problem and where it was written; null when nothing in the files marks the spot.</summary>
internal readonly record struct LocatedProblem(TomlPosition? Position, ConfigProblem Problem);

/// <summary>
/// What binding every file shares: the problems found so far, where each key path was written
/// (so the validator's problems, which know only key paths, can be located afterwards), and the
/// environment that <c>${VAR}</c> reads.
/// </summary>
internal sealed class BindingContext(Func<string, string?> environment)
{
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    public List<LocatedProblem> Problems { get; } = [];

    /// <summary>Key path (<c>services.web.load_balancer.servers[1].url</c>) to where it was written.</summary>
    public Dictionary<string, TomlPosition> Positions { get; } = new(StringComparer.Ordinal);

    public Func<string, string?> Environment { get; } = environment;

    /// <param name="replacesValue">
    /// True when the value at <paramref name="keyPath"/> was dropped or defaulted because of this
    /// problem, so the validator's findings about it would be noise; false when the problem is
    /// about something else that happens to have that path (a second definition of a router says
    /// nothing about the first).
    /// </param>
    public void Report(TomlPosition? position, string keyPath, string message, bool replacesValue = true)
    {
        if (replacesValue)
        {
            _reported.Add(keyPath);
        }

        Problems.Add(new LocatedProblem(position, new ConfigProblem(keyPath, message)));
    }

    /// <summary>
    /// Marks <paramref name="keyPath"/> as replaced without a problem of its own, because one
    /// below it already says why (a list dropped for one bad element).
    /// </summary>
    public void MarkReported(string keyPath) => _reported.Add(keyPath);

    /// <summary>
    /// True when binding already reported <paramref name="keyPath"/> or a key above it. A value
    /// that failed to bind is replaced by its default, and the validator must not then complain
    /// about the default (an empty rule after "rule is required" says the same thing twice).
    /// </summary>
    public bool WasReported(string keyPath)
    {
        string path = keyPath;
        while (true)
        {
            if (_reported.Contains(path))
            {
                return true;
            }

            int cut = ParentCut(path);
            if (cut <= 0)
            {
                return false;
            }

            path = path[..cut];
        }
    }

    /// <summary>Where <paramref name="keyPath"/>, or the nearest key above it, was written.</summary>
    public TomlPosition? Locate(string keyPath)
    {
        string path = keyPath;
        while (path.Length > 0)
        {
            if (Positions.TryGetValue(path, out TomlPosition position))
            {
                return position;
            }

            int cut = ParentCut(path);
            if (cut <= 0)
            {
                break;
            }

            path = path[..cut];
        }

        return null;
    }

    /// <summary>Where the parent of a key path ends: before its last ".key" or "[index]".</summary>
    private static int ParentCut(string path) =>
        path.EndsWith(']') ? path.LastIndexOf('[') : path.LastIndexOf('.');
}
