using System.Collections;

namespace Engine.Host.Configuration.Toml;

/// <summary>
/// A TOML array: either a static array written as <c>[ ... ]</c> (elements of any kinds, as TOML 1.0
/// allows) or an array of tables built by <c>[[header]]</c> sections.
/// </summary>
public sealed class TomlArray : TomlNode, IReadOnlyList<TomlNode>
{
    private readonly List<TomlNode> _items = [];

    internal TomlArray(TomlPosition position, bool isArrayOfTables, int depth)
        : base(position)
    {
        IsArrayOfTables = isArrayOfTables;
        Depth = depth;
    }

    public override TomlKind Kind => TomlKind.Array;

    /// <summary>True when built by <c>[[header]]</c> sections; such an array holds only tables.</summary>
    public bool IsArrayOfTables { get; }

    public int Count => _items.Count;

    public TomlNode this[int index] => _items[index];

    internal int Depth { get; }

    /// <summary>Enumerates the elements without allocating.</summary>
    public List<TomlNode>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<TomlNode> IEnumerable<TomlNode>.GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    internal void Add(TomlNode item) => _items.Add(item);
}
