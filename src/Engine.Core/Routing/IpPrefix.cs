using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Engine.Core.Routing;

/// <summary>
/// An IPv4 or IPv6 address or CIDR network from a ClientIP matcher (immutable), as 128 bits plus a prefix
/// length so that <see cref="Contains"/> is a mask and a compare with no allocation. IPv4 and
/// IPv4-mapped IPv6 addresses are the same thing here (as Go's net.IPNet, which Traefik uses):
/// a dual-mode socket reports "::ffff:10.0.0.1", which 10.0.0.0/8 contains.
/// </summary>
internal sealed class IpPrefix
{
    private readonly UInt128 _bits;
    private readonly UInt128 _mask;

    private IpPrefix(UInt128 bits, int prefixLength, bool isIPv4)
    {
        int totalBits = isIPv4 ? 32 : 128;
        _mask = prefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (totalBits - prefixLength);
        if (isIPv4)
        {
            _mask &= uint.MaxValue;
        }

        _bits = bits & _mask;
        PrefixLength = prefixLength;
        IsIPv4 = isIPv4;
    }

    public int PrefixLength { get; }

    public bool IsIPv4 { get; }

    /// <summary>
    /// Parses "a.b.c.d", "a.b.c.d/n", an IPv6 address or "ipv6/n". Host bits set under the mask
    /// are accepted and cleared (Go's ParseCIDR does the same). Scoped IPv6 ("fe80::1%eth0") and
    /// the short IPv4 forms that IPAddress.TryParse accepts ("10.1") are refused.
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out IpPrefix? prefix, out string? error)
    {
        prefix = null;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string addressText = slash < 0 ? text : text[..slash];
        bool isIPv4 = !addressText.Contains(':', StringComparison.Ordinal);
        if ((isIPv4 && !IsDottedQuad(addressText)) || addressText.Contains('%', StringComparison.Ordinal)
            || !IPAddress.TryParse(addressText, out IPAddress? address))
        {
            error = $"'{addressText}' is not an IPv4 or IPv6 address";
            return false;
        }

        int totalBits = isIPv4 ? 32 : 128;
        int prefixLength = totalBits;
        if (slash >= 0)
        {
            string lengthText = text[(slash + 1)..];
            if (lengthText.Length is 0 or > 3 || !lengthText.All(char.IsAsciiDigit)
                || !int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out prefixLength)
                || prefixLength > totalBits)
            {
                error = $"'/{lengthText}' is not a prefix length between 0 and {totalBits}";
                return false;
            }
        }

        if (address.IsIPv4MappedToIPv6)
        {
            // ::ffff:a.b.c.d/n is the IPv4 network a.b.c.d/(n-96), as Go's IPNet reads it.
            if (prefixLength < 96)
            {
                error = $"an IPv4-mapped network needs a prefix length of at least 96, not {prefixLength}";
                return false;
            }

            address = address.MapToIPv4();
            isIPv4 = true;
            prefixLength -= 96;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        prefix = new IpPrefix(ToBits(bytes[..written]), prefixLength, isIPv4);
        error = null;
        return true;
    }

    /// <summary>True when <paramref name="address"/> is inside this network; false for null.</summary>
    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written))
        {
            return false;
        }

        bool addressIsIPv4 = written == 4;
        if (!addressIsIPv4 && address.IsIPv4MappedToIPv6)
        {
            // ::ffff:a.b.c.d -> the last four bytes are the IPv4 address.
            bytes = bytes.Slice(12, 4);
            addressIsIPv4 = true;
            written = 4;
        }

        return addressIsIPv4 == IsIPv4 && (ToBits(bytes[..written]) & _mask) == _bits;
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[16];
        int length = IsIPv4 ? 4 : 16;
        if (IsIPv4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)_bits);
        }
        else
        {
            BinaryPrimitives.WriteUInt128BigEndian(bytes, _bits);
        }

        return $"{new IPAddress(bytes[..length])}/{PrefixLength}";
    }

    private static UInt128 ToBits(ReadOnlySpan<byte> bytes)
        => bytes.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);

    private static bool IsDottedQuad(string text)
    {
        int parts = 0;
        int digits = 0;
        foreach (char c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                if (++digits > 3)
                {
                    return false;
                }
            }
            else if (c == '.' && digits > 0)
            {
                parts++;
                digits = 0;
            }
            else
            {
                return false;
            }
        }

        return parts == 3 && digits > 0;
    }
}
