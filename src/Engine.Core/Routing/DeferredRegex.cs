using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Engine.Core.Routing;

/// <summary>
/// A validated rule regex whose NonBacktracking <see cref="Regex"/> is built on first use.
/// Constructing one costs 0.1-2.5 ms (the engine computes the minterms of the pattern's
/// character sets up front), so a table of 100,000 routes with a thousand distinct patterns
/// would spend seconds compiling regexes most requests never reach. Validation stays at parse
/// time (see <see cref="RuleRegex.TryCreate"/>): only patterns proven to construct without
/// error are deferred, so a bad pattern still fails the compile, never a match. After its first
/// use the regex is a field read, and matching allocates nothing (the engine's DFA states are
/// built lazily on early matches anyway, so a match after warm-up was never the first).
/// </summary>
internal sealed class DeferredRegex
{
    private readonly string _translated;
    private Regex? _regex;

    /// <summary>A pattern already built (one the cheap checks could not clear).</summary>
    public DeferredRegex(Regex regex)
    {
        _translated = regex.ToString();
        _regex = regex;
    }

    /// <summary>A pattern that parses and that the NonBacktracking engine is known to accept.</summary>
    public DeferredRegex(string translated) => _translated = translated;

    public Regex Value => Volatile.Read(ref _regex) ?? Build();

    public bool IsBuilt => Volatile.Read(ref _regex) is not null;

    private Regex Build()
    {
        // Thread A and thread B may both see null and both build; the first to publish wins and
        // the other's copy is dropped. Equal patterns match equally, so either is correct, and a
        // lock would put a wait on the request path for a once-per-pattern event.
        Regex built;
        try
        {
            built = new Regex(_translated, RuleRegex.Options);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            Debug.Fail($"pattern '{_translated}' was deferred but does not construct: {e.Message}");
            throw;
        }

        return Interlocked.CompareExchange(ref _regex, built, null) ?? built;
    }
}
