namespace Engine.Host.Configuration.Toml;

/// <summary>One entry of a <see cref="TomlTable"/>: the key, where the key was written, and the value.</summary>
public readonly struct TomlKeyValue
{
    public TomlKeyValue(string key, TomlPosition keyPosition, TomlNode value)
    {
        Key = key;
        KeyPosition = keyPosition;
        Value = value;
    }

    /// <summary>The key part as decoded (escapes resolved, quotes removed); one part, never dotted.</summary>
    public string Key { get; }

    public TomlPosition KeyPosition { get; }

    public TomlNode Value { get; }
}
