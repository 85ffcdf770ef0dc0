namespace Engine.Host.Configuration.Toml;

/// <summary>
/// Where a key, a value or an error sits in a TOML source: 1-based line and column (columns count
/// Unicode scalar values, so a tab or an emoji is one column), and the file name when the caller gave one.
/// </summary>
public readonly record struct TomlPosition(string? FileName, int Line, int Column)
{
    /// <summary><c>file:line:column</c>, or <c>line:column</c> without a file name, as compilers print it.</summary>
    public override string ToString() =>
        FileName is null ? $"{Line}:{Column}" : $"{FileName}:{Line}:{Column}";
}
