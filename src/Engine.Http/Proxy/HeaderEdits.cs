using System.Text;

namespace Engine.Http.Proxy;

/// <summary>What a header edit does to the fields of a head on its way out.</summary>
internal enum HeaderEditKind : byte
{
    /// <summary>Removes every field of that name, then adds one with the value.</summary>
    Set,
    /// <summary>Adds a field after the kept ones; existing fields of that name stay.</summary>
    Append,
    /// <summary>Removes every field of that name.</summary>
    Remove,
}

/// <summary>One edit: a field name (ASCII, compared case-insensitively) and, unless removing, a value.</summary>
internal readonly struct HeaderEdit(HeaderEditKind kind, ReadOnlyMemory<byte> name, ReadOnlyMemory<byte> value)
{
    public HeaderEditKind Kind { get; } = kind;

    public ReadOnlyMemory<byte> Name { get; } = name;

    public ReadOnlyMemory<byte> Value { get; } = value;
}

/// <summary>
/// An overlay of edits on a head that is otherwise copied as it arrived: middlewares record what
/// they change here, and the head writer applies it while copying (a field that no edit names
/// still goes out inside a raw run). The edit array is kept with the pooled exchange, so an
/// exchange that edits allocates nothing once warm; the values are memory the caller keeps alive
/// for the exchange (a middleware's compiled bytes, or the exchange's own scratch).
/// </summary>
internal sealed class HeaderEdits
{
    private HeaderEdit[] _edits = new HeaderEdit[4];
    private int _count;
    private bool _removes;

    public bool IsEmpty => _count == 0;

    /// <summary>True when some edit removes or replaces fields (so the writer must look at names).</summary>
    public bool RemovesFields => _removes;

    public ReadOnlySpan<HeaderEdit> Edits => _edits.AsSpan(0, _count);

    public void Set(ReadOnlyMemory<byte> name, ReadOnlyMemory<byte> value) => Add(new HeaderEdit(HeaderEditKind.Set, name, value));

    public void Append(ReadOnlyMemory<byte> name, ReadOnlyMemory<byte> value) => Add(new HeaderEdit(HeaderEditKind.Append, name, value));

    public void Remove(ReadOnlyMemory<byte> name) => Add(new HeaderEdit(HeaderEditKind.Remove, name, default));

    public void Add(in HeaderEdit edit)
    {
        if (_count == _edits.Length)
        {
            Array.Resize(ref _edits, _edits.Length * 2);
        }
        _edits[_count++] = edit;
        _removes |= edit.Kind != HeaderEditKind.Append;
    }

    /// <summary>
    /// True when a field named <paramref name="name"/> must not be copied: a Set or a Remove
    /// names it. A Set recorded after another Set of the same name wins; both drop the original.
    /// </summary>
    public bool Drops(ReadOnlySpan<byte> name)
    {
        if (!_removes)
        {
            return false;
        }
        foreach (ref readonly HeaderEdit edit in Edits)
        {
            if (edit.Kind != HeaderEditKind.Append && Ascii.EqualsIgnoreCase(edit.Name.Span, name))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// True when the field set by edit <paramref name="index"/> is the one that goes out: the last
    /// Set or Remove of a name decides, so an earlier Set that a later middleware replaced or
    /// removed writes nothing.
    /// </summary>
    public bool IsFinalSet(int index)
    {
        ReadOnlySpan<HeaderEdit> edits = Edits;
        ReadOnlySpan<byte> name = edits[index].Name.Span;
        for (int i = index + 1; i < edits.Length; i++)
        {
            if (edits[i].Kind != HeaderEditKind.Append && Ascii.EqualsIgnoreCase(edits[i].Name.Span, name))
            {
                return false;
            }
        }
        return true;
    }

    public void Clear()
    {
        if (_count > 0)
        {
            // Drop references to values so a pooled exchange keeps nothing alive.
            Array.Clear(_edits, 0, _count);
            _count = 0;
        }
        _removes = false;
    }
}
