using System.Buffers;

namespace Engine.Host.Configuration.Toml;

/// <summary>
/// Character classes of the TOML 1.0.0 ABNF (https://github.com/toml-lang/toml/blob/1.0.0/toml.abnf).
/// The stop sets let the parser skip the plain run of a string or comment with one vectorized search.
/// </summary>
internal static class TomlCharacters
{
    // non-eol = %x09 / %x20-7E / non-ascii: every control character but tab is forbidden in comments
    // and strings; LF and CR are in the set so that the search also stops at the end of the line.
    private const string Controls =
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F";

    /// <summary>Where a comment's plain run stops: a control character or the end of the line.</summary>
    public static readonly SearchValues<char> CommentStop = SearchValues.Create(Controls);

    /// <summary>basic-unescaped excludes <c>"</c> and <c>\</c>: stop there and at control characters.</summary>
    public static readonly SearchValues<char> BasicStringStop = SearchValues.Create(Controls + "\"\\");

    /// <summary>literal-char excludes <c>'</c>: stop there and at control characters.</summary>
    public static readonly SearchValues<char> LiteralStringStop = SearchValues.Create(Controls + "'");

    /// <summary>unquoted-key = 1*( ALPHA / DIGIT / %x2D / %x5F ).</summary>
    public static readonly SearchValues<char> BareKey =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>
    /// The characters a number, inf or nan can be written with. The parser takes the whole run as one
    /// token and then checks it against the grammar, so <c>1.2.3</c> is one invalid float, not <c>1.2</c>
    /// followed by junk.
    /// </summary>
    public static readonly SearchValues<char> NumberToken =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+.");

    public static bool IsDigit(char c) => (uint)(c - '0') <= 9;

    public static bool IsWhitespace(char c) => c is ' ' or '\t';

    public static bool IsControl(char c) => c < 0x20 || c == 0x7F;
}
