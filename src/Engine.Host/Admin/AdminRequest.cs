using System.Text;
using Engine.Http;
using HttpMethod = Engine.Http.HttpMethod;

namespace Engine.Host.Admin;

/// <summary>
/// What the admin handler needs of a parsed request head, copied out as strings: the head's
/// bytes are reused for the next request while this one may still wait on the backend.
/// </summary>
internal sealed class AdminRequest
{
    public required HttpMethod Method { get; init; }

    /// <summary>The method token as sent, for messages and logs.</summary>
    public required string MethodName { get; init; }

    /// <summary>The path without the query, as sent (admin paths are plain ASCII; nothing is decoded).</summary>
    public required string Path { get; init; }

    /// <summary>The query without '?'; empty when there is none.</summary>
    public required string Query { get; init; }

    /// <summary>The raw bytes of the Authorization field; null when absent.</summary>
    public byte[]? Authorization { get; init; }

    /// <summary>-1 when the request has no Content-Length.</summary>
    public required long ContentLength { get; init; }

    public required bool Chunked { get; init; }

    public required bool KeepAlive { get; init; }

    public required bool ExpectContinue { get; init; }

    public string? RemoteAddress { get; init; }

    public bool HasBody => Chunked || ContentLength > 0;

    public static AdminRequest From(HttpRequestHead head, string? remoteAddress)
    {
        byte[]? authorization = null;
        foreach (HeaderEntry header in head.Headers)
        {
            if (Ascii.EqualsIgnoreCase(head.NameOf(header), "authorization"u8))
            {
                authorization = head.ValueOf(header).ToArray();
                break;
            }
        }
        return new AdminRequest
        {
            Method = head.Method,
            MethodName = Encoding.ASCII.GetString(head.MethodBytes),
            Path = Encoding.ASCII.GetString(head.Path),
            Query = Encoding.ASCII.GetString(head.Query),
            Authorization = authorization,
            ContentLength = head.ContentLength,
            Chunked = head.Chunked,
            KeepAlive = head.KeepAlive,
            ExpectContinue = head.ExpectContinue,
            RemoteAddress = remoteAddress,
        };
    }

    /// <summary>The first value of query parameter <paramref name="name"/>, percent-decoded; null when absent.</summary>
    public string? QueryValue(string name)
    {
        foreach (string pair in Query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? pair : pair[..equals];
            if (string.Equals(Uri.UnescapeDataString(key), name, StringComparison.Ordinal))
            {
                // '+' is a space in form-encoded queries (what browsers and curl --data-urlencode -G send).
                return equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            }
        }
        return null;
    }
}
