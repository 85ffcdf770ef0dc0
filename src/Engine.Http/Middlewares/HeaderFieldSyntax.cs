using System.Text;
using Engine.Http.Http1;

namespace Engine.Http.Middlewares;

/// <summary>Checks header names and values written in config before they ever reach the wire.</summary>
internal static class HeaderFieldSyntax
{
    // The proxy frames each message itself and owns the connection's fate; a configured value
    // for these would contradict the framing it writes (a second Content-Length is a request
    // smuggling vector, RFC 9112 §6.3), so config may not name them.
    private static readonly string[] s_framingFields =
        ["Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade"];

    /// <summary>The name as ASCII bytes, or null with a problem reported (RFC 9110 §5.1: field-name = token).</summary>
    public static byte[]? Name(MiddlewareOptionsReader options, string key, string name)
    {
        if (name.Length == 0 || !Ascii.IsValid(name) || Encoding.ASCII.GetBytes(name).AsSpan().IndexOfAnyExcept(HttpCharacters.Token) >= 0)
        {
            options.Report(key, $"'{name}' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only).");
            return null;
        }
        if (s_framingFields.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            options.Report(key, $"'{name}' describes message framing or the connection, which the proxy sets itself; it cannot be edited.");
            return null;
        }
        return Encoding.ASCII.GetBytes(name);
    }

    /// <summary>The value as Latin-1 bytes, or null with a problem reported (RFC 9110 §5.5: no CR, LF or NUL).</summary>
    public static byte[]? Value(MiddlewareOptionsReader options, string key, string value)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(value);
        if (value.Any(c => c > 0xFF) || bytes.AsSpan().IndexOfAny(HttpCharacters.NotFieldValue) >= 0)
        {
            options.Report(key, "a header value may not contain control characters (CR, LF, NUL) or characters beyond Latin-1.");
            return null;
        }
        return bytes;
    }
}
