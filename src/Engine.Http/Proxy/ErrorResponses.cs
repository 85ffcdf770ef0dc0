using System.Text;

namespace Engine.Http.Proxy;

/// <summary>
/// The responses the proxy itself sends (400, 404, 413, 414, 431, 502, 503, 504, ...), built
/// once as bytes: a short text body, and a keep-alive and a closing variant of each.
/// </summary>
internal static class ErrorResponses
{
    private static readonly int[] s_statuses = [200, 400, 404, 408, 413, 414, 417, 431, 499, 500, 501, 502, 503, 504, 505];
    private static readonly byte[][] s_keepAlive = Build(close: false);
    private static readonly byte[][] s_close = Build(close: true);

    public static ReadOnlySpan<byte> Continue100 => "HTTP/1.1 100 Continue\r\n\r\n"u8;

    public static ReadOnlySpan<byte> Get(int status, bool close)
    {
        int index = Array.IndexOf(s_statuses, status);
        if (index < 0)
        {
            index = Array.IndexOf(s_statuses, 500);
        }
        return close ? s_close[index] : s_keepAlive[index];
    }

    /// <summary>The response split where fields may be added: the head without its empty line, and the rest (empty line and body).</summary>
    public static void Split(ReadOnlySpan<byte> response, out ReadOnlySpan<byte> headFields, out ReadOnlySpan<byte> end)
    {
        int split = response.IndexOf("\r\n\r\n"u8) + 2;
        headFields = response[..split];
        end = response[split..];
    }

    public static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        417 => "Expectation Failed",
        431 => "Request Header Fields Too Large",
        499 => "Client Closed Request",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Internal Server Error",
    };

    private static byte[][] Build(bool close)
    {
        var result = new byte[s_statuses.Length][];
        for (int i = 0; i < s_statuses.Length; i++)
        {
            int status = s_statuses[i];
            // A 200 is the answer to OPTIONS *: nothing to say beyond the status.
            string body = status == 200 ? "" : $"{status} {ReasonPhrase(status)}\n";
            string type = status == 200 ? "" : "Content-Type: text/plain; charset=utf-8\r\n";
            string head = $"HTTP/1.1 {status} {ReasonPhrase(status)}\r\n{type}" +
                $"Content-Length: {body.Length}\r\n{(close ? "Connection: close\r\n" : "")}\r\n";
            result[i] = Encoding.ASCII.GetBytes(head + body);
        }
        return result;
    }
}
