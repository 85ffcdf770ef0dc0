namespace Engine.Http.Http1;

/// <summary>
/// Reads one Transfer-Encoding field value (RFC 9112 §6.1, RFC 9110 §10.1.4):
/// <code>
///   Transfer-Encoding  = #transfer-coding
///   transfer-coding    = token *( OWS ";" OWS transfer-parameter )
///   transfer-parameter = token BWS "=" BWS ( token / quoted-string )
/// </code>
/// The counts carry across fields because all Transfer-Encoding fields form one list.
/// chunked takes no parameters (RFC 9112 §7), so "chunked;x=y" is refused as malformed.
/// </summary>
internal static class TransferCodingList
{
    public static bool TryRead(ReadOnlySpan<byte> value, ref int chunkedCount, ref bool finalChunked, out int errorIndex)
    {
        int i = 0;
        while (true)
        {
            i = Skip(value, i);
            if (i == value.Length)
            {
                errorIndex = 0;
                return true;
            }
            if (value[i] == ',')
            {
                // An empty list element.
                i++;
                continue;
            }

            int nameLength = TokenLength(value, i);
            if (nameLength == 0)
            {
                errorIndex = i;
                return false;
            }
            bool chunked = KnownTokens.EqualsLower(value.Slice(i, nameLength), "chunked"u8);
            i += nameLength;

            bool hasParameters = false;
            while (true)
            {
                int next = Skip(value, i);
                if (next == value.Length || value[next] != ';')
                {
                    i = next;
                    break;
                }
                hasParameters = true;
                if (!TryReadParameter(value, Skip(value, next + 1), out i))
                {
                    errorIndex = i;
                    return false;
                }
            }

            if (i < value.Length && value[i] != ',')
            {
                errorIndex = i;
                return false;
            }
            if (chunked && hasParameters)
            {
                errorIndex = i;
                return false;
            }
            if (chunked)
            {
                chunkedCount++;
            }
            finalChunked = chunked;
        }
    }

    // transfer-parameter = token BWS "=" BWS ( token / quoted-string )
    private static bool TryReadParameter(ReadOnlySpan<byte> value, int i, out int end)
    {
        int nameLength = TokenLength(value, i);
        if (nameLength == 0)
        {
            end = i;
            return false;
        }
        i = Skip(value, i + nameLength);
        if (i == value.Length || value[i] != '=')
        {
            end = i;
            return false;
        }
        i = Skip(value, i + 1);
        if (i < value.Length && value[i] == '"')
        {
            int length = QuotedString.Length(value.Slice(i));
            end = length > 0 ? i + length : i;
            return length > 0;
        }
        int valueLength = TokenLength(value, i);
        end = i + valueLength;
        return valueLength > 0;
    }

    private static int TokenLength(ReadOnlySpan<byte> value, int i)
    {
        int length = value.Slice(i).IndexOfAnyExcept(HttpCharacters.Token);
        return length < 0 ? value.Length - i : length;
    }

    private static int Skip(ReadOnlySpan<byte> value, int i)
    {
        while ((uint)i < (uint)value.Length && HttpCharacters.IsWhitespace(value[i]))
        {
            i++;
        }
        return i;
    }
}
