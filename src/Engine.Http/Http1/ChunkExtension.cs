namespace Engine.Http.Http1;

/// <summary>
/// RFC 9112 §7.1.1:
/// <code>
///   chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
///   chunk-ext-name = token
///   chunk-ext-val  = token / quoted-string
/// </code>
/// Extensions are validated and then ignored (the proxy forwards chunk data, not extensions).
/// </summary>
internal static class ChunkExtension
{
    public static bool IsValid(ReadOnlySpan<byte> extension, out int errorIndex)
    {
        int i = 0;
        while (i < extension.Length)
        {
            i = Skip(extension, i);
            if (i == extension.Length || extension[i] != ';')
            {
                // Trailing whitespace, or something other than ';' where an extension starts.
                errorIndex = i;
                return false;
            }
            i = Skip(extension, i + 1);
            int name = TokenLength(extension, i);
            if (name == 0)
            {
                errorIndex = i;
                return false;
            }
            i += name;

            int equals = Skip(extension, i);
            if (equals < extension.Length && extension[equals] == '=')
            {
                i = Skip(extension, equals + 1);
                int value = i < extension.Length && extension[i] == '"'
                    ? QuotedString.Length(extension.Slice(i))
                    : TokenLength(extension, i);
                if (value == 0)
                {
                    errorIndex = i;
                    return false;
                }
                i += value;
            }
        }
        errorIndex = 0;
        return true;
    }

    private static int TokenLength(ReadOnlySpan<byte> text, int i)
    {
        int length = text.Slice(i).IndexOfAnyExcept(HttpCharacters.Token);
        return length < 0 ? text.Length - i : length;
    }

    private static int Skip(ReadOnlySpan<byte> text, int i)
    {
        while ((uint)i < (uint)text.Length && HttpCharacters.IsWhitespace(text[i]))
        {
            i++;
        }
        return i;
    }
}
