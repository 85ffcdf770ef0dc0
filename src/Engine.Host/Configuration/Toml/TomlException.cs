namespace Engine.Host.Configuration.Toml;

/// <summary>
/// The one exception the TOML parser lets escape, for any input: what was expected and where.
/// The message reads <c>gateway.toml:12:7: expected '=' after key "address"</c>. The config binder
/// throws it too, so every configuration error is located the same way.
/// </summary>
public sealed class TomlException : Exception
{
    public TomlException(string reason, TomlPosition position)
        : base($"{position}: {reason}")
    {
        Reason = reason;
        Position = position;
    }

    /// <summary>The message without the location prefix.</summary>
    public string Reason { get; }

    public TomlPosition Position { get; }

    public string? FileName => Position.FileName;

    /// <summary>1-based line.</summary>
    public int Line => Position.Line;

    /// <summary>1-based column, in Unicode scalar values.</summary>
    public int Column => Position.Column;
}
