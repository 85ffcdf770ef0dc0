using System.Diagnostics.CodeAnalysis;

namespace Engine.Host.Configuration.Toml;

/// <summary>
/// A TOML table: keys in the order the document first wrote them, each with its position.
/// The root of a document, a <c>[header]</c> table, an inline table, a table created by dotted keys
/// and an element of an array of tables are all <see cref="TomlTable"/>s.
/// </summary>
public sealed class TomlTable : TomlNode
{
    private readonly List<TomlKeyValue> _entries = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    internal TomlTable(TomlPosition position, TomlTableOrigin origin, int depth)
        : base(position)
    {
        Origin = origin;
        Depth = depth;
    }

    public override TomlKind Kind => TomlKind.Table;

    /// <summary>True for a table written as <c>{ ... }</c>, which TOML forbids extending later.</summary>
    public bool IsInline => Origin == TomlTableOrigin.Inline;

    public int Count => _entries.Count;

    /// <summary>The entries in document order.</summary>
    public IReadOnlyList<TomlKeyValue> Entries => _entries;

    /// <summary>The value of <paramref name="key"/> (one key part, not a dotted path).</summary>
    /// <exception cref="KeyNotFoundException">The table has no such key.</exception>
    public TomlNode this[string key] =>
        _index.TryGetValue(key, out int i) ? _entries[i].Value : throw new KeyNotFoundException($"TOML table has no key \"{key}\".");

    /// <summary>How the parser defined this table; decides which later definitions TOML allows.</summary>
    internal TomlTableOrigin Origin { get; set; }

    /// <summary>Nesting depth from the root (0), bounded by <see cref="TomlDocument.MaxNestingDepth"/>.</summary>
    internal int Depth { get; }

    public bool ContainsKey(string key) => _index.ContainsKey(key);

    public bool TryGetValue(string key, [NotNullWhen(true)] out TomlNode? value)
    {
        if (_index.TryGetValue(key, out int i))
        {
            value = _entries[i].Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Like <see cref="TryGetValue"/>, with the key's own position for error messages.</summary>
    public bool TryGetEntry(string key, out TomlKeyValue entry)
    {
        if (_index.TryGetValue(key, out int i))
        {
            entry = _entries[i];
            return true;
        }

        entry = default;
        return false;
    }

    /// <summary>Enumerates the entries in document order without allocating.</summary>
    public List<TomlKeyValue>.Enumerator GetEnumerator() => _entries.GetEnumerator();

    /// <summary>Adds a key the caller has checked is new.</summary>
    internal void Add(string key, TomlPosition keyPosition, TomlNode value)
    {
        _index.Add(key, _entries.Count);
        _entries.Add(new TomlKeyValue(key, keyPosition, value));
    }

    /// <summary>
    /// Moves an existing key's position, for a table first created implicitly by <c>[a.b]</c> and
    /// then defined by its own <c>[a]</c> header: the header is where a reader looks for it.
    /// </summary>
    internal void MoveKey(string key, TomlPosition keyPosition)
    {
        int i = _index[key];
        _entries[i] = new TomlKeyValue(key, keyPosition, _entries[i].Value);
    }
}

/// <summary>How a table came into being; TOML's redefinition rules depend on it.</summary>
internal enum TomlTableOrigin : byte
{
    /// <summary>The document root.</summary>
    Root,

    /// <summary>A prefix of a header (<c>a</c> in <c>[a.b]</c>); a later <c>[a]</c> may still define it once.</summary>
    Implicit,

    /// <summary>Defined by its own <c>[header]</c>.</summary>
    Header,

    /// <summary>Created by a dotted key (<c>a</c> in <c>a.b = 1</c>); later dotted keys may add to it, headers may not define it.</summary>
    Dotted,

    /// <summary>Written as <c>{ ... }</c>: closed once written.</summary>
    Inline,

    /// <summary>One element of an array of tables, created by <c>[[header]]</c>.</summary>
    ArrayElement,
}
