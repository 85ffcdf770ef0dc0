namespace Engine.Core.Routing;

/// <summary>
/// Reads a raw query the way Go's url.ParseQuery does, without building it: pairs separated by
/// '&amp;', key and value split at the first '=', '+' and %XX decoded. A pair containing ';' or
/// a malformed escape in its key or value is dropped whole, as Go drops it.
/// </summary>
internal static class QueryString
{
    /// <summary>Whether some pair decodes to exactly <paramref name="key"/> = <paramref name="value"/>.</summary>
    public static bool Contains(ReadOnlySpan<byte> query, byte[] key, byte[] value)
    {
        while (NextPair(ref query, out ReadOnlySpan<byte> rawKey, out ReadOnlySpan<byte> rawValue))
        {
            if (DecodedEquals(rawKey, key) == 1 && DecodedEquals(rawValue, value) == 1)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether some pair with <paramref name="key"/> has a value the regex matches.</summary>
    public static bool AnyValueMatches(ReadOnlySpan<byte> query, RegexNode node)
    {
        byte[] key = node.Name!;
        while (NextPair(ref query, out ReadOnlySpan<byte> rawKey, out ReadOnlySpan<byte> rawValue))
        {
            if (DecodedEquals(rawKey, key) != 1)
            {
                continue;
            }

            if (rawValue.Length > node.MaxInputLength * 3)
            {
                // Even fully %-escaped it decodes past the cap.
                continue;
            }

            bool matched = DecodedMatches(rawValue, node);
            if (matched)
            {
                return true;
            }
        }

        return false;
    }

    private static bool DecodedMatches(ReadOnlySpan<byte> rawValue, RegexNode node)
    {
        byte[]? rented = null;
        Span<byte> decoded = rawValue.Length <= 256
            ? stackalloc byte[256]
            : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(rawValue.Length));
        int length = Decode(rawValue, decoded);
        bool matched = node.IsMatch(decoded[..length], lowercase: false);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }

        return matched;
    }

    private static bool NextPair(ref ReadOnlySpan<byte> query, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        while (!query.IsEmpty)
        {
            int amp = query.IndexOf((byte)'&');
            ReadOnlySpan<byte> pair = amp < 0 ? query : query[..amp];
            query = amp < 0 ? default : query[(amp + 1)..];
            if (pair.IsEmpty || pair.Contains((byte)';'))
            {
                continue;
            }

            int equals = pair.IndexOf((byte)'=');
            key = equals < 0 ? pair : pair[..equals];
            value = equals < 0 ? default : pair[(equals + 1)..];
            if (!IsWellFormed(key) || !IsWellFormed(value))
            {
                continue;
            }

            return true;
        }

        key = default;
        value = default;
        return false;
    }

    private static bool IsWellFormed(ReadOnlySpan<byte> raw)
    {
        for (int i = raw.IndexOf((byte)'%'); i >= 0; i = NextPercent(raw, i + 3))
        {
            if (i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2]))
            {
                return false;
            }
        }

        return true;
    }

    private static int NextPercent(ReadOnlySpan<byte> raw, int from)
    {
        if (from >= raw.Length)
        {
            return -1;
        }

        int next = raw[from..].IndexOf((byte)'%');
        return next < 0 ? -1 : from + next;
    }

    /// <summary>1 when well-formed <paramref name="raw"/> decodes to <paramref name="expected"/>, else 0.</summary>
    private static int DecodedEquals(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> expected)
    {
        if (raw.IndexOfAny((byte)'%', (byte)'+') < 0)
        {
            return raw.SequenceEqual(expected) ? 1 : 0;
        }

        int j = 0;
        for (int i = 0; i < raw.Length; i++, j++)
        {
            byte b = raw[i];
            if (b == (byte)'+')
            {
                b = (byte)' ';
            }
            else if (b == (byte)'%')
            {
                b = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                i += 2;
            }

            if (j >= expected.Length || expected[j] != b)
            {
                return 0;
            }
        }

        return j == expected.Length ? 1 : 0;
    }

    /// <summary>Decodes well-formed <paramref name="raw"/> into <paramref name="destination"/> (at least as long); returns the length.</summary>
    private static int Decode(ReadOnlySpan<byte> raw, Span<byte> destination)
    {
        int j = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            byte b = raw[i];
            if (b == (byte)'+')
            {
                b = (byte)' ';
            }
            else if (b == (byte)'%')
            {
                b = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                i += 2;
            }

            destination[j++] = b;
        }

        return j;
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
