using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Engine.Core.Routing;

/// <summary>Byte-level helpers for the compiled matcher: case-insensitive hashing and host canonicalisation.</summary>
internal static class AsciiBytes
{
    private const ulong HighBits = 0x8080808080808080UL;
    private const ulong LowSeven = 0x7F7F7F7F7F7F7F7FUL;

    /// <summary>
    /// SWAR lowercase of eight ASCII bytes at once (the trick of runtime's Utf8Utility): adding
    /// 0x3F sets a byte's high bit when it is &gt;= 'A', adding 0x25 when it is &gt; 'Z'; bytes with
    /// their own high bit set (non-ASCII) are left alone. 0x80 &gt;&gt; 2 is the 0x20 case bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ToLower(ulong chunk)
    {
        ulong sevenBits = chunk & LowSeven;
        ulong atLeastA = sevenBits + 0x3F3F3F3F3F3F3F3FUL;
        ulong aboveZ = sevenBits + 0x2525252525252525UL;
        ulong upper = atLeastA & ~aboveZ & ~chunk & HighBits;
        return chunk | (upper >> 2);
    }

    /// <summary>A 32-bit hash of <paramref name="key"/>, optionally of its ASCII-lowercase form, eight bytes per step.</summary>
    public static uint Hash(ReadOnlySpan<byte> key, bool ignoreCase)
    {
        ulong hash = 0x9E3779B97F4A7C15UL ^ (ulong)key.Length;
        while (key.Length >= 8)
        {
            ulong chunk = BinaryPrimitives.ReadUInt64LittleEndian(key);
            hash = Mix(hash, ignoreCase ? ToLower(chunk) : chunk);
            key = key[8..];
        }

        if (!key.IsEmpty)
        {
            ulong tail = 0;
            for (int i = key.Length - 1; i >= 0; i--)
            {
                tail = (tail << 8) | key[i];
            }

            hash = Mix(hash, ignoreCase ? ToLower(tail) : tail);
        }

        // Final avalanche (MurmurHash3 fmix64).
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33;
        return (uint)hash;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong hash, ulong chunk)
        => ulong.RotateLeft((hash ^ chunk) * 0xC2B2AE3D27D4EB4FUL, 29) * 0x165667B19E3779F9UL;

    /// <summary>
    /// Traefik's canonized host, minus the lowercasing (comparisons ignore case instead): OWS
    /// trimmed, then ":port" removed and IPv6 brackets dropped ("[::1]:8080" is "::1"). A value
    /// with more than one ':' and no brackets is left as is (net.SplitHostPort refuses it too).
    /// </summary>
    public static ReadOnlySpan<byte> CanonicalHost(ReadOnlySpan<byte> host)
    {
        host = host.Trim(" \t"u8);
        if (!host.IsEmpty && host[0] == (byte)'[')
        {
            int close = host.IndexOf((byte)']');
            if (close > 0 && (close == host.Length - 1 || host[close + 1] == (byte)':'))
            {
                return host[1..close];
            }

            return host;
        }

        int colon = host.IndexOf((byte)':');
        return colon >= 0 && host[(colon + 1)..].IndexOf((byte)':') < 0 ? host[..colon] : host;
    }

    /// <summary>The host as a host matcher compares it: one trailing dot (FQDN form) removed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> WithoutTrailingDot(ReadOnlySpan<byte> host)
        => !host.IsEmpty && host[^1] == (byte)'.' ? host[..^1] : host;

    /// <summary>
    /// Host (or SNI) against "example.com" or "*.example.com", both stored lowercase without a
    /// trailing dot. The wildcard covers exactly one non-empty label: "a.example.com", not
    /// "example.com" nor "a.b.example.com".
    /// </summary>
    public static bool HostMatches(ReadOnlySpan<byte> hostWithoutDot, byte[] ruleHost, bool wildcard)
    {
        if (hostWithoutDot.IsEmpty)
        {
            return false;
        }

        if (!wildcard)
        {
            return Ascii.EqualsIgnoreCase(hostWithoutDot, ruleHost);
        }

        int dot = hostWithoutDot.IndexOf((byte)'.');
        return dot > 0 && Ascii.EqualsIgnoreCase(hostWithoutDot[(dot + 1)..], ruleHost);
    }

    /// <summary>A bucket key for Describe: ASCII, with the '\n' of regex-derived keys made visible.</summary>
    public static string Printable(byte[] key) => Encoding.ASCII.GetString(key).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>The suffix a single-label wildcard would be keyed by: everything after the first label; empty when none.</summary>
    public static ReadOnlySpan<byte> WildcardSuffix(ReadOnlySpan<byte> hostWithoutDot)
    {
        int dot = hostWithoutDot.IndexOf((byte)'.');
        return dot > 0 ? hostWithoutDot[(dot + 1)..] : default;
    }
}
