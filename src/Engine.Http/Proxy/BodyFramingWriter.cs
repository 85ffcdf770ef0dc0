using System.Buffers;
using System.IO.Pipelines;

namespace Engine.Http.Proxy;

/// <summary>
/// Writes decoded body data in HTTP/1.1 framing, toward the client or the origin alike: as is
/// (Content-Length or until close), or as chunks (RFC 9112 §7.1), normalised: lower-case hex
/// sizes and no extensions.
/// </summary>
internal static class BodyFramingWriter
{
    public static void WriteData(PipeWriter output, in ReadOnlySequence<byte> data, bool chunked)
    {
        var writer = new SpanWriter(output);
        if (chunked)
        {
            writer.WriteHex(data.Length);
            writer.Write("\r\n"u8);
            writer.Write(data);
            writer.Write("\r\n"u8);
        }
        else
        {
            writer.Write(data);
        }
        writer.Commit();
    }

    /// <summary>The last chunk, the trailer section as received (complete field lines), and the final CRLF.</summary>
    public static void WriteLastChunk(PipeWriter output, in ReadOnlySequence<byte> trailers)
    {
        var writer = new SpanWriter(output);
        writer.Write("0\r\n"u8);
        writer.Write(trailers);
        writer.Write("\r\n"u8);
        writer.Commit();
    }
}
