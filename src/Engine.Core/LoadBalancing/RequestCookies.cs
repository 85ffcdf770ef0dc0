using System.Diagnostics.CodeAnalysis;
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

    /// <summary>Finds cookie <paramref name="name"/> in the request's Cookie fields.</summary>
    public static bool TryGetValue<TInput>(TInput request, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
        where TInput : IRouteInput, allows ref struct
    {
        int count = request.HeaderCount;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> headerName = request.GetHeaderName(i);
            if (headerName.Length == CookieHeaderName.Length
                && Ascii.EqualsIgnoreCase(headerName, CookieHeaderName)
                && TryGetValue(request.GetHeaderValue(i), name, out value))
            {
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Finds <paramref name="name"/> in one Cookie field value such as <c>a=1; b=2</c>.</summary>
    /// <remarks>
    /// Searches for the name itself (vectorized) instead of splitting every pair: real Cookie
    /// fields often carry dozens of analytics cookies before the one wanted. A hit counts only
    /// where a pair's name starts (after ';' or the start, and optional whitespace) and ends
    /// (optional whitespace, then '='); cookie values cannot hold ';', so that is exactly the pair
    /// whose trimmed name is <paramref name="name"/>, and the first such pair wins.
    /// </remarks>
    public static bool TryGetValue(ReadOnlySpan<byte> cookieHeader, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        int searchFrom = 0;
        while (!name.IsEmpty && searchFrom < cookieHeader.Length)
        {
            int index = cookieHeader.Slice(searchFrom).IndexOf(name);
            if (index < 0)
            {
                break;
            }

            int start = searchFrom + index;
            int end = start + name.Length;
            searchFrom = start + 1;

            int before = start - 1;
            while (before >= 0 && IsWhitespace(cookieHeader[before]))
            {
                before--;
            }

            if (before >= 0 && cookieHeader[before] != (byte)';')
            {
                continue;
            }

            while (end < cookieHeader.Length && IsWhitespace(cookieHeader[end]))
            {
                end++;
            }

            if (end >= cookieHeader.Length || cookieHeader[end] != (byte)'=')
            {
                continue;
            }

            ReadOnlySpan<byte> found = cookieHeader.Slice(end + 1);
            int semicolon = found.IndexOf((byte)';');
            if (semicolon >= 0)
            {
                found = found.Slice(0, semicolon);
            }

            found = found.Trim(Whitespace);
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

    /// <summary>RFC 9110 §5.6.2: <c>token = 1*tchar</c>; cookie names (RFC 6265 §4.1.1) and field names are tokens.</summary>
    internal static bool IsToken([NotNullWhen(true)] string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !"!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';
}
