using System.Globalization;
using System.Text;
using Engine.Core.Routing;

namespace Engine.Core.LoadBalancing;

/// <summary>
/// Compiled cookie affinity for one service: finds the destination a request's cookie pins, and
/// writes the Set-Cookie value that pins a new one. The cookie value is
/// <see cref="DestinationState.StickyId"/> as 16 lowercase hex digits.
/// </summary>
public sealed class StickySessionModel
{
    internal const ulong IdSeed = 0x737469636B790001UL;

    private const int IdLength = 16;

    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    private readonly byte[] _name;

    // Everything after the value ("; Path=/; HttpOnly"), built once.
    private readonly byte[] _attributes;

    // Destination indexes sorted by sticky id, for a binary search from the cookie's id.
    private readonly ulong[] _ids;
    private readonly int[] _indexes;
    private readonly DestinationState[] _destinations;

    internal StickySessionModel(StickySessionConfig config, DestinationState[] destinations)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _name = Encoding.ASCII.GetBytes(ValidateName(config.CookieName));
        _attributes = Encoding.ASCII.GetBytes(BuildAttributes(config));
        _destinations = destinations;
        _ids = new ulong[destinations.Length];
        _indexes = new int[destinations.Length];
        for (int i = 0; i < destinations.Length; i++)
        {
            _ids[i] = destinations[i].StickyId;
            _indexes[i] = i;
        }

        Array.Sort(_ids, _indexes);
        for (int i = 1; i < _ids.Length; i++)
        {
            if (_ids[i] == _ids[i - 1])
            {
                throw new ArgumentException(
                    $"Destinations '{destinations[_indexes[i - 1]].Name}' and '{destinations[_indexes[i]].Name}' share a sticky id; destination names must be unique.",
                    nameof(destinations));
            }
        }
    }

    public StickySessionConfig Config { get; }

    /// <summary>Bytes <see cref="TryWriteSetCookie"/> needs; the same for every destination.</summary>
    public int SetCookieLength => _name.Length + 1 + IdLength + _attributes.Length;

    /// <summary>
    /// Writes the Set-Cookie field value (without "Set-Cookie: " and CRLF) that pins
    /// <paramref name="destination"/>, e.g. <c>srv=3f2a9c0e5b7d1a64; Path=/; HttpOnly</c>.
    /// False when <paramref name="buffer"/> is shorter than <see cref="SetCookieLength"/>.
    /// </summary>
    public bool TryWriteSetCookie(DestinationState destination, Span<byte> buffer, out int bytesWritten)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int length = SetCookieLength;
        if (buffer.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        _name.CopyTo(buffer);
        int offset = _name.Length;
        buffer[offset++] = (byte)'=';
        WriteId(destination.StickyId, buffer.Slice(offset, IdLength));
        offset += IdLength;
        _attributes.CopyTo(buffer.Slice(offset));
        bytesWritten = length;
        return true;
    }

    /// <summary>The cookie value that pins <paramref name="destination"/>, for logs and the admin API.</summary>
    public static string GetCookieValue(DestinationState destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<byte> id = stackalloc byte[IdLength];
        WriteId(destination.StickyId, id);
        return Encoding.ASCII.GetString(id);
    }

    /// <summary>
    /// The healthy destination the request's cookie pins; null when the cookie is missing,
    /// malformed, names no destination of this table (removed since), or names an unhealthy one.
    /// </summary>
    internal DestinationState? FindPinned<TInput>(TInput request)
        where TInput : IRouteInput, allows ref struct
    {
        if (!RequestCookies.TryGetValue(request, _name, out ReadOnlySpan<byte> value) || !TryParseId(value, out ulong id))
        {
            return null;
        }

        int found = _ids.AsSpan().BinarySearch(id);
        if (found < 0)
        {
            return null;
        }

        DestinationState destination = _destinations[_indexes[found]];
        return destination.IsHealthy ? destination : null;
    }

    private static void WriteId(ulong id, Span<byte> destination)
    {
        for (int i = IdLength - 1; i >= 0; i--)
        {
            destination[i] = HexDigits[(int)(id & 0xF)];
            id >>= 4;
        }
    }

    private static bool TryParseId(ReadOnlySpan<byte> value, out ulong id)
    {
        id = 0;
        if (value.Length != IdLength)
        {
            return false;
        }

        foreach (byte c in value)
        {
            int digit = HexValue(c);
            if (digit < 0)
            {
                return false;
            }

            id = (id << 4) | (uint)digit;
        }

        return true;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    // RFC 6265 §4.1.1: cookie-name = token.
    private static string ValidateName(string name) =>
        RequestCookies.IsToken(name)
            ? name
            : throw new ArgumentException($"Cookie name '{name}' is not an RFC 6265 token.", nameof(name));

    // Attribute order as Go's net/http (Traefik) writes it: Path, Max-Age, HttpOnly, Secure, SameSite.
    private static string BuildAttributes(StickySessionConfig config)
    {
        var attributes = new StringBuilder();
        if (!string.IsNullOrEmpty(config.Path))
        {
            // RFC 6265 §4.1.1: path-value = <any CHAR except CTLs or ";">
            foreach (char c in config.Path)
            {
                if (c is < (char)0x20 or >= (char)0x7F or ';')
                {
                    throw new ArgumentException($"Cookie path '{config.Path}' has a character RFC 6265 does not allow.", nameof(config));
                }
            }

            attributes.Append("; Path=").Append(config.Path);
        }

        if (config.MaxAge is { } maxAge)
        {
            if (maxAge < TimeSpan.Zero)
            {
                throw new ArgumentException($"Cookie Max-Age {maxAge} must not be negative.", nameof(config));
            }

            attributes.Append("; Max-Age=").Append(((long)maxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }

        if (config.HttpOnly)
        {
            attributes.Append("; HttpOnly");
        }

        if (config.Secure)
        {
            attributes.Append("; Secure");
        }

        switch (config.SameSite)
        {
            case CookieSameSite.Unspecified:
                break;
            case CookieSameSite.Lax:
                attributes.Append("; SameSite=Lax");
                break;
            case CookieSameSite.Strict:
                attributes.Append("; SameSite=Strict");
                break;
            case CookieSameSite.None when config.Secure:
                attributes.Append("; SameSite=None");
                break;
            case CookieSameSite.None:
                // Browsers drop a SameSite=None cookie that is not Secure, and stickiness would
                // silently stop; better to refuse the config.
                throw new ArgumentException("SameSite=None needs Secure.", nameof(config));
            default:
                throw new ArgumentException($"Unknown SameSite value {config.SameSite}.", nameof(config));
        }

        return attributes.ToString();
    }
}
