namespace Engine.Http.Http1;

/// <summary>
/// Validates an authority the way routing will read it: RFC 9110 §7.2 <c>Host = uri-host [ ":" port ]</c>
/// with uri-host from RFC 3986 §3.2.2. No userinfo (RFC 9110 §4.2.4 deprecates it and a proxy
/// routing on "user@host" would be fooled), no whitespace, no empty port.
/// </summary>
internal static class HostSyntax
{
    private const int MaxPortDigits = 5;

    /// <param name="value">The candidate authority.</param>
    /// <param name="requireHost">An absolute-form or authority-form target needs a non-empty host
    /// (RFC 9110 §4.2.1); only the Host field may be empty (RFC 9112 §3.2).</param>
    /// <param name="requirePort">authority-form (CONNECT) needs a port (RFC 9112 §3.2.3).</param>
    public static bool IsValid(ReadOnlySpan<byte> value, bool requireHost, bool requirePort)
    {
        if (value.IsEmpty)
        {
            return !requireHost && !requirePort;
        }

        int hostEnd;
        if (value[0] == '[')
        {
            // IP-literal = "[" ( IPv6address / IPvFuture ) "]"
            int close = value.IndexOf((byte)']');
            if (close < 2 || value.Slice(1, close - 1).ContainsAnyExcept(HttpCharacters.IpLiteral))
            {
                return false;
            }
            hostEnd = close + 1;
        }
        else
        {
            int colon = value.IndexOf((byte)':');
            hostEnd = colon < 0 ? value.Length : colon;
            if (hostEnd == 0 || !IsRegName(value.Slice(0, hostEnd)))
            {
                return false;
            }
        }

        if (hostEnd == value.Length)
        {
            return !requirePort;
        }
        if (value[hostEnd] != ':')
        {
            return false;
        }
        ReadOnlySpan<byte> port = value.Slice(hostEnd + 1);
        return port.Length is > 0 and <= MaxPortDigits && !port.ContainsAnyExcept(HttpCharacters.Digit);
    }

    // reg-name = *( unreserved / pct-encoded / sub-delims ); pct-encoded = "%" HEXDIG HEXDIG
    private static bool IsRegName(ReadOnlySpan<byte> host)
    {
        if (host.ContainsAnyExcept(HttpCharacters.RegName))
        {
            return false;
        }
        int percent = host.IndexOf((byte)'%');
        while (percent >= 0)
        {
            if (percent + 2 >= host.Length
                || HttpCharacters.HexValue(host[percent + 1]) < 0
                || HttpCharacters.HexValue(host[percent + 2]) < 0)
            {
                return false;
            }
            int next = host.Slice(percent + 3).IndexOf((byte)'%');
            percent = next < 0 ? -1 : percent + 3 + next;
        }
        return true;
    }
}
