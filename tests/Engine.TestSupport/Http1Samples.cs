using System.Text;

namespace Engine.TestSupport;

/// <summary>
/// Real HTTP/1.1 messages as they appear on the wire, shared by tests, benchmarks and fuzz seeds.
/// The requests were captured from the named clients against a local server (only the host
/// names and cookie values are made up).
/// </summary>
public static class Http1Samples
{
    /// <summary>curl 8.x: <c>curl http://localhost:8080/</c>.</summary>
    public static byte[] CurlGet { get; } = Ascii(
        "GET / HTTP/1.1\r\n" +
        "Host: localhost:8080\r\n" +
        "User-Agent: curl/8.5.0\r\n" +
        "Accept: */*\r\n" +
        "\r\n");

    /// <summary>A desktop Chrome navigation with its usual 12 headers.</summary>
    public static byte[] BrowserGet { get; } = Ascii(
        "GET /products/list?page=2&sort=price HTTP/1.1\r\n" +
        "Host: shop.example.com\r\n" +
        "Connection: keep-alive\r\n" +
        "Cache-Control: max-age=0\r\n" +
        "sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n" +
        "sec-ch-ua-mobile: ?0\r\n" +
        "sec-ch-ua-platform: \"Linux\"\r\n" +
        "Upgrade-Insecure-Requests: 1\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n" +
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7\r\n" +
        "Referer: https://shop.example.com/products/list?page=1&sort=price\r\n" +
        "Accept-Encoding: gzip, deflate, br, zstd\r\n" +
        "Accept-Language: en-US,en;q=0.9\r\n" +
        "Cookie: session=7f3a9c2e1b; theme=dark\r\n" +
        "\r\n");

    /// <summary>One request of the TechEmpower plaintext test (wrk with its pipeline script).</summary>
    public static byte[] PlaintextRequest { get; } = Ascii(
        "GET /plaintext HTTP/1.1\r\n" +
        "Host: localhost\r\n" +
        "Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n" +
        "Connection: keep-alive\r\n" +
        "\r\n");

    /// <summary>The TechEmpower plaintext pipeline: 16 requests back to back in one read.</summary>
    public static byte[] PlaintextPipelined { get; } = Repeat(PlaintextRequest, 16);

    public const int PlaintextPipelineDepth = 16;

    /// <summary>An nginx response head.</summary>
    public static byte[] NginxResponse { get; } = Ascii(
        "HTTP/1.1 200 OK\r\n" +
        "Server: nginx/1.24.0\r\n" +
        "Date: Tue, 14 May 2024 09:12:44 GMT\r\n" +
        "Content-Type: text/html; charset=utf-8\r\n" +
        "Content-Length: 6120\r\n" +
        "Last-Modified: Mon, 13 May 2024 17:02:10 GMT\r\n" +
        "Connection: keep-alive\r\n" +
        "ETag: \"66424772-17e8\"\r\n" +
        "Cache-Control: max-age=600\r\n" +
        "Accept-Ranges: bytes\r\n" +
        "\r\n");

    /// <summary>A chunked response head as an application server sends it.</summary>
    public static byte[] ChunkedResponse { get; } = Ascii(
        "HTTP/1.1 200 OK\r\n" +
        "Content-Type: application/json\r\n" +
        "Transfer-Encoding: chunked\r\n" +
        "Vary: Accept-Encoding\r\n" +
        "\r\n");

    /// <summary>
    /// A chunked body carrying <paramref name="payload"/> in chunks of <paramref name="chunkSize"/>
    /// bytes, optionally with an extension on each size line and a trailer section.
    /// </summary>
    public static byte[] ChunkedBody(ReadOnlySpan<byte> payload, int chunkSize, string extension = "", string trailers = "")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var stream = new MemoryStream();
        for (int offset = 0; offset < payload.Length; offset += chunkSize)
        {
            int size = Math.Min(chunkSize, payload.Length - offset);
            stream.Write(Ascii($"{size:x}{extension}\r\n"));
            stream.Write(payload.Slice(offset, size));
            stream.Write("\r\n"u8);
        }
        stream.Write(Ascii($"0{extension}\r\n{trailers}\r\n"));
        return stream.ToArray();
    }

    /// <summary>Deterministic pseudo-random payload bytes.</summary>
    public static byte[] Payload(int length, int seed = 42)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    private static byte[] Repeat(byte[] message, int count)
    {
        var bytes = new byte[message.Length * count];
        for (int i = 0; i < count; i++)
        {
            message.CopyTo(bytes, i * message.Length);
        }
        return bytes;
    }
}
