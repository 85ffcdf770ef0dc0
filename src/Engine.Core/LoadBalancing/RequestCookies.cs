using System.Text;
using Engine.Core.Routing;

namespace Engine.Core.LoadBalancing;

/// <summary>
/// Finds one cookie in a request's Cookie header fields, in place: the value comes back as a
/// slice of the header bytes, nothing is copied or decoded.
/// </summary>
/// <remarks>
/// RFC 6265 §4.2.1 (what a user agent sends):
/// <code>
/// cookie-header = "Cookie:" OWS cookie-string OWS
/// cookie-string = cookie-pair *( ";" SP cookie-pair )
/// cookie-pair   = cookie-name "=" cookie-value
/// cookie-value  = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
/// </code>
/// Parsing is as lenient as §5.4 lets user agents be: spaces and tabs around names and values
/// are skipped, a pair without '=' is skipped, the value runs to the next ';' (so it may contain
/// '='), and one pair of surrounding double quotes is removed. Names compare case-sensitively.
/// HTTP/2 may split the cookie over several fields (RFC 9113 §8.2.3), so every Cookie field is
/// searched, in order; the first matching pair wins.
/// </remarks>
public static class RequestCookies
{
    private static ReadOnlySpan<byte> CookieHeaderName => "Cookie"u8;

    private static ReadOnlySpan<byte> Whitespace => " \t"u8;

    public static bool TryGetValue<TInput>(TInput request, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
        where TInput : IRouteInput, allows ref struct
    {
        int count = request.HeaderCount;
        for (int i = 0; i < count; i++)
        {
            if (Ascii.EqualsIgnoreCase(request.GetHeaderName(i), CookieHeaderName)
                && TryGetValue(request.GetHeaderValue(i), name, out value))
            {
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Finds <paramref name="name"/> in one Cookie field value such as <c>a=1; b=2</c>.</summary>
    public static bool TryGetValue(ReadOnlySpan<byte> cookieHeader, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> rest = cookieHeader;
        while (!rest.IsEmpty)
        {
            ReadOnlySpan<byte> pair;
            int semicolon = rest.IndexOf((byte)';');
            if (semicolon < 0)
            {
                pair = rest;
                rest = default;
            }
            else
            {
                pair = rest.Slice(0, semicolon);
                rest = rest.Slice(semicolon + 1);
            }

            int equals = pair.IndexOf((byte)'=');
            if (equals < 0 || !pair.Slice(0, equals).Trim(Whitespace).SequenceEqual(name))
            {
                continue;
            }

            ReadOnlySpan<byte> found = pair.Slice(equals + 1).Trim(Whitespace);
            if (found.Length >= 2 && found[0] == (byte)'"' && found[^1] == (byte)'"')
            {
                found = found[1..^1];
            }

            value = found;
            return true;
        }

        value = default;
        return false;
    }
}
