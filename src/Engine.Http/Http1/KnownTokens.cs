using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Engine.Http.Http1;

/// <summary>
/// Recognises known methods and header names by comparing whole words as <c>uint</c>/<c>ulong</c>
/// (as Kestrel's HttpUtilities does) instead of byte loops or strings.
/// </summary>
internal static class KnownTokens
{
    // ASCII case folding by OR-ing 0x20 is only exact when the input is a token: the token bytes
    // without bit 0x20 are the upper-case letters (folded as intended), '^' and '_' (folded to '~'
    // and DEL, which no lower-case literal below contains). Every literal byte already has 0x20 set.
    private const ulong FoldMask64 = 0x2020_2020_2020_2020;
    private const uint FoldMask32 = 0x2020_2020;

    /// <summary>
    /// Maps a method token to the enum. <paramref name="lineStart"/> is the request line, so the
    /// method is followed by its SP and a method of length 3 can be read as one uint "GET ".
    /// Methods are case-sensitive (RFC 9110 §9.1).
    /// </summary>
    public static HttpMethod Method(ReadOnlySpan<byte> line, int methodLength)
    {
        // The request line holds at least method SP target SP version, so 8 bytes are readable.
        if (line.Length < 8)
        {
            return HttpMethod.Custom;
        }
        ulong word = BinaryPrimitives.ReadUInt64LittleEndian(line);
        return methodLength switch
        {
            3 => (uint)word == Word32("GET "u8) ? HttpMethod.Get
                : (uint)word == Word32("PUT "u8) ? HttpMethod.Put : HttpMethod.Custom,
            4 => (uint)word == Word32("HEAD"u8) ? HttpMethod.Head
                : (uint)word == Word32("POST"u8) ? HttpMethod.Post : HttpMethod.Custom,
            5 => (word & 0xFF_FFFF_FFFF) == (Word64("PATCH   "u8) & 0xFF_FFFF_FFFF) ? HttpMethod.Patch
                : (word & 0xFF_FFFF_FFFF) == (Word64("TRACE   "u8) & 0xFF_FFFF_FFFF) ? HttpMethod.Trace : HttpMethod.Custom,
            6 => (word & 0xFFFF_FFFF_FFFF) == (Word64("DELETE  "u8) & 0xFFFF_FFFF_FFFF) ? HttpMethod.Delete : HttpMethod.Custom,
            7 => word == Word64("CONNECT "u8) ? HttpMethod.Connect
                : word == Word64("OPTIONS "u8) ? HttpMethod.Options : HttpMethod.Custom,
            _ => HttpMethod.Custom,
        };
    }

    /// <summary>Recognises a header name (a validated token) case-insensitively.</summary>
    public static KnownHeader Header(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 => EqualsLower(name, "te"u8) ? KnownHeader.TE : KnownHeader.Other,
        4 => EqualsLower(name, "host"u8) ? KnownHeader.Host
            : EqualsLower(name, "date"u8) ? KnownHeader.Date : KnownHeader.Other,
        6 => EqualsLower(name, "expect"u8) ? KnownHeader.Expect : KnownHeader.Other,
        7 => EqualsLower(name, "upgrade"u8) ? KnownHeader.Upgrade
            : EqualsLower(name, "trailer"u8) ? KnownHeader.Trailer : KnownHeader.Other,
        9 => EqualsLower(name, "forwarded"u8) ? KnownHeader.Forwarded : KnownHeader.Other,
        10 => EqualsLower(name, "connection"u8) ? KnownHeader.Connection
            : EqualsLower(name, "keep-alive"u8) ? KnownHeader.KeepAlive : KnownHeader.Other,
        14 => EqualsLower(name, "content-length"u8) ? KnownHeader.ContentLength : KnownHeader.Other,
        15 => EqualsLower(name, "x-forwarded-for"u8) ? KnownHeader.XForwardedFor : KnownHeader.Other,
        16 => EqualsLower(name, "x-forwarded-host"u8) ? KnownHeader.XForwardedHost
            : EqualsLower(name, "x-forwarded-port"u8) ? KnownHeader.XForwardedPort
            : EqualsLower(name, "proxy-connection"u8) ? KnownHeader.ProxyConnection : KnownHeader.Other,
        17 => EqualsLower(name, "transfer-encoding"u8) ? KnownHeader.TransferEncoding
            : EqualsLower(name, "x-forwarded-proto"u8) ? KnownHeader.XForwardedProto : KnownHeader.Other,
        _ => KnownHeader.Other,
    };

    /// <summary>
    /// True for a name that is not Content-Length or Transfer-Encoding but becomes one when '_' is
    /// read as '-' and runs of separators as one (Transfer_Encoding, Content--Length). Servers
    /// that fold names that way (CGI, some gateways) would frame the body by a field this proxy
    /// ignores: the classic smuggling set-up, so such names are refused.
    /// </summary>
    public static bool IsFramingLookalike(ReadOnlySpan<byte> name)
    {
        const int Longest = 40;
        // Both targets start with a letter, c or t, which no separator folding can change.
        if (name.Length < 14 || name.Length > Longest || (name[0] | 0x20) is not ((byte)'c' or (byte)'t')
            || (!name.Contains((byte)'_') && name.IndexOf("--"u8) < 0))
        {
            return false;
        }
        Span<byte> folded = stackalloc byte[Longest];
        int length = 0;
        foreach (byte b in name)
        {
            if (b is (byte)'_' or (byte)'-')
            {
                if (length == 0 || folded[length - 1] != '-')
                {
                    folded[length++] = (byte)'-';
                }
                continue;
            }
            folded[length++] = (byte)(b | 0x20);
        }
        ReadOnlySpan<byte> result = folded.Slice(0, length);
        return result.SequenceEqual("content-length"u8) || result.SequenceEqual("transfer-encoding"u8);
    }

    /// <summary>
    /// True when the token <paramref name="token"/> equals the lower-case literal ignoring ASCII case.
    /// Both have the same length; overlapping 8- or 4-byte reads cover the tail.
    /// </summary>
    public static bool EqualsLower(ReadOnlySpan<byte> token, ReadOnlySpan<byte> lower)
    {
        int length = lower.Length;
        if (token.Length != length)
        {
            return false;
        }
        if (length >= 8)
        {
            int i = 0;
            for (; i <= length - 8; i += 8)
            {
                if ((ReadUInt64(token, i) | FoldMask64) != ReadUInt64(lower, i))
                {
                    return false;
                }
            }
            return i == length || (ReadUInt64(token, length - 8) | FoldMask64) == ReadUInt64(lower, length - 8);
        }
        if (length >= 4)
        {
            return (ReadUInt32(token, 0) | FoldMask32) == ReadUInt32(lower, 0)
                && (ReadUInt32(token, length - 4) | FoldMask32) == ReadUInt32(lower, length - 4);
        }
        for (int i = 0; i < length; i++)
        {
            if ((token[i] | 0x20) != lower[i])
            {
                return false;
            }
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadUInt64(ReadOnlySpan<byte> span, int offset) =>
        Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(span), offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ReadUInt32(ReadOnlySpan<byte> span, int offset) =>
        Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref MemoryMarshal.GetReference(span), offset));

    // Method words are read little-endian on both sides so the masks keep the first bytes on
    // any platform.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Word32(ReadOnlySpan<byte> literal) => BinaryPrimitives.ReadUInt32LittleEndian(literal);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Word64(ReadOnlySpan<byte> literal) => BinaryPrimitives.ReadUInt64LittleEndian(literal);
}
