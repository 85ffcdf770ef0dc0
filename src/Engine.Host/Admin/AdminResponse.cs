using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Serialization.Metadata;

namespace Engine.Host.Admin;

/// <summary>One admin answer, complete before it is written: admin bodies are small and a known Content-Length keeps the connection reusable.</summary>
internal sealed record AdminResponse
{
    public const string JsonType = "application/json; charset=utf-8";
    public const string TextType = "text/plain; charset=utf-8";

    /// <summary>The Prometheus text exposition format, version 0.0.4.</summary>
    public const string PrometheusType = "text/plain; version=0.0.4; charset=utf-8";

    public required int Status { get; init; }

    public required string ContentType { get; init; }

    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The Allow field of a 405 (RFC 9110 §15.5.6 requires it).</summary>
    public string? Allow { get; init; }

    /// <summary>Adds <c>WWW-Authenticate: Bearer</c> (RFC 9110 §15.5.2 requires a challenge on 401).</summary>
    public bool Challenge { get; init; }

    /// <summary>Close the connection after this answer (framing can no longer be trusted, or the server stops).</summary>
    public bool Close { get; init; }

    public static AdminResponse Json<T>(int status, T value, JsonTypeInfo<T> typeInfo) =>
        new() { Status = status, ContentType = JsonType, Body = AdminJson.Serialize(value, typeInfo) };

    public static AdminResponse Errors(int status, params IReadOnlyList<string> errors) =>
        Json(status, new AdminErrors(errors), AdminJsonContext.Readable.AdminErrors);

    public static AdminResponse Text(int status, string text) =>
        new() { Status = status, ContentType = TextType, Body = Encoding.UTF8.GetBytes(text) };

    /// <summary>Writes status line, fields and (unless <paramref name="headOnly"/>) the body, then flushes.</summary>
    public async ValueTask WriteAsync(PipeWriter output, bool headOnly, bool close, DateTimeOffset now)
    {
        var head = new StringBuilder(256);
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {Status} {ReasonPhrase(Status)}\r\n");
        // RFC 9110 §6.6.1: an origin server with a clock sends Date.
        head.Append("Date: ").Append(now.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
        head.Append("Content-Type: ").Append(ContentType).Append("\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {Body.Length}\r\n");
        // Health, config and metrics describe a moment; a cache in between would lie.
        head.Append("Cache-Control: no-store\r\n");
        if (Allow != null)
        {
            head.Append("Allow: ").Append(Allow).Append("\r\n");
        }
        if (Challenge)
        {
            head.Append("WWW-Authenticate: Bearer realm=\"engine-admin\"\r\n");
        }
        if (close)
        {
            head.Append("Connection: close\r\n");
        }
        head.Append("\r\n");

        // Every byte is ASCII: the reason phrases and field values above are fixed text.
        output.Write(Encoding.ASCII.GetBytes(head.ToString()));
        if (!headOnly)
        {
            output.Write(Body.Span);
        }
        await output.FlushAsync().ConfigureAwait(false);
    }

    public static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    };
}
