using System.Buffers;
using System.Text.Unicode;

namespace Engine.Host.Configuration.Toml;

/// <summary>
/// A parsed TOML 1.0.0 document (https://toml.io/en/v1.0.0). Parsing is linear in the input and
/// either returns the whole tree or throws one <see cref="TomlException"/>; no other exception
/// escapes, whatever the input.
/// </summary>
public sealed class TomlDocument
{
    /// <summary>
    /// How deep arrays, inline tables and tables may nest. The parser recurses into arrays and inline
    /// tables, so hostile input like ten thousand <c>[</c> must end in an error, not a stack overflow;
    /// consumers that walk the tree recursively get the same bound. Real configs nest a handful deep.
    /// </summary>
    public const int MaxNestingDepth = 128;

    private TomlDocument(TomlTable root, string? fileName)
    {
        Root = root;
        FileName = fileName;
    }

    /// <summary>The top-level table.</summary>
    public TomlTable Root { get; }

    /// <summary>The name given to <see cref="Parse"/>, used in every position.</summary>
    public string? FileName { get; }

    /// <summary>Parses TOML text. A leading byte-order mark is skipped; lone surrogates are rejected.</summary>
    /// <exception cref="TomlException">The text is not valid TOML 1.0.0.</exception>
    public static TomlDocument Parse(string text, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new TomlDocument(new TomlParser(text, fileName).ParseDocument(), fileName);
    }

    /// <summary>
    /// Parses the bytes of a TOML file: they must be UTF-8 (TOML requires it), an invalid sequence is
    /// reported at its line and column. A leading UTF-8 byte-order mark is skipped.
    /// </summary>
    /// <exception cref="TomlException">The bytes are not valid UTF-8 or not valid TOML 1.0.0.</exception>
    public static TomlDocument ParseUtf8(ReadOnlySpan<byte> utf8, string? fileName = null)
    {
        // UTF-8 never takes fewer bytes than UTF-16 takes chars, so one buffer of utf8.Length chars is enough.
        char[] buffer = ArrayPool<char>.Shared.Rent(Math.Max(utf8.Length, 1));
        try
        {
            OperationStatus status = Utf8.ToUtf16(utf8, buffer, out int bytesRead, out int charsWritten, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                throw TomlParser.InvalidUtf8(buffer.AsSpan(0, charsWritten), bytesRead < utf8.Length ? utf8[bytesRead] : (byte)0, fileName);
            }

            return Parse(new string(buffer, 0, charsWritten), fileName);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
