namespace Engine.Host.Configuration.Toml;

/// <summary>
/// A node of a parsed TOML document: a <see cref="TomlTable"/>, a <see cref="TomlArray"/> or a
/// scalar <see cref="TomlValue"/>. Every node knows where it was written.
/// </summary>
public abstract class TomlNode
{
    private protected TomlNode(TomlPosition position)
    {
        Position = position;
    }

    public abstract TomlKind Kind { get; }

    /// <summary>
    /// Where the value starts: its first character for scalars, the <c>[</c> or <c>{</c> of arrays and
    /// inline tables, the header of a table defined with <c>[name]</c> or <c>[[name]]</c>, and the key
    /// part that created a table implicitly (<c>a</c> in <c>a.b = 1</c> or in <c>[a.b]</c>).
    /// </summary>
    public TomlPosition Position { get; internal set; }
}
