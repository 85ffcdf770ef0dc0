namespace Engine.Http.Http1;

/// <summary>
/// RFC 9110 §5.6.4:
/// <code>
///   quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
///   qdtext        = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
///   quoted-pair   = "\" ( HTAB / SP / VCHAR / obs-text )
/// </code>
/// </summary>
internal static class QuotedString
{
    /// <summary>
    /// The length of the quoted-string at the start of <paramref name="text"/> (quotes included),
    /// or 0 when it is malformed or unterminated.
    /// </summary>
    public static int Length(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty || text[0] != '"')
        {
            return 0;
        }
        int i = 1;
        while (true)
        {
            int run = text.Slice(i).IndexOfAnyExcept(HttpCharacters.QuotedText);
            if (run < 0)
            {
                return 0;
            }
            i += run;
            byte b = text[i];
            if (b == '"')
            {
                return i + 1;
            }
            if (b != '\\' || i + 1 >= text.Length || !HttpCharacters.QuotedPairChar.Contains(text[i + 1]))
            {
                return 0;
            }
            i += 2;
        }
    }
}
