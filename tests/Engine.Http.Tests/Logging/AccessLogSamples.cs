using System.Text;
using Engine.Core.Configuration;
using Engine.Http.Logging;

namespace Engine.Http.Tests.Logging;

/// <summary>Records and sinks the access log tests share.</summary>
internal static class AccessLogSamples
{
    /// <summary>13:55:36.123 at +02:00, so the UTC conversion is visible in every line.</summary>
    public static readonly DateTimeOffset Time = new(2000, 10, 10, 13, 55, 36, 123, TimeSpan.FromHours(2));

    public const string ExpectedJson =
        "{\"time\":\"2000-10-10T11:55:36.123Z\",\"client\":\"10.0.0.1\",\"method\":\"GET\",\"host\":\"example.com\"," +
        "\"path\":\"/a?b=1\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"bytes_in\":87,\"bytes_out\":2326," +
        "\"duration_ms\":1234.568,\"entrypoint\":\"web\",\"router\":\"api\",\"service\":\"api-svc\"," +
        "\"upstream\":\"http://10.0.0.1:9000\",\"upstream_status\":200}\n";

    public const string ExpectedCommon = "10.0.0.1 - - [10/Oct/2000:11:55:36 +0000] \"GET /a?b=1 HTTP/1.1\" 200 2326\n";

    public static AccessLogRecord Proxied(ReadOnlySpan<byte> target) => new()
    {
        Time = Time,
        ClientAddress = "10.0.0.1"u8,
        Method = "GET"u8,
        Host = "example.com"u8,
        Target = target,
        Protocol = "HTTP/1.1"u8,
        Status = 200,
        BytesIn = 87,
        BytesOut = 2326,
        // 1234.5678 ms: rounds to 1234.568.
        Duration = TimeSpan.FromTicks(12_345_678),
        Entrypoint = "web",
        Router = "api",
        Service = "api-svc",
        UpstreamAddress = "http://10.0.0.1:9000",
        UpstreamStatus = 200,
    };

    /// <summary>A 404 the proxy answered itself: no router, service or upstream.</summary>
    public static AccessLogRecord Unrouted() => new()
    {
        Time = Time,
        ClientAddress = "::1"u8,
        Method = "GET"u8,
        Host = ""u8,
        Target = "/missing"u8,
        Protocol = "HTTP/1.0"u8,
        Status = 404,
        BytesIn = 40,
        BytesOut = 0,
        Duration = TimeSpan.Zero,
        Entrypoint = "web",
    };

    public static string Format(in AccessLogRecord record, AccessLogFormat format) =>
        Encoding.UTF8.GetString(FormatBytes(in record, format));

    /// <summary>The raw line: JSON validity is checked on these bytes, since decoding to a string would hide invalid UTF-8.</summary>
    public static byte[] FormatBytes(in AccessLogRecord record, AccessLogFormat format)
    {
        var buffer = new byte[1 << 20];
        Assert.True(AccessLogFormatter.TryFormat(in record, format, buffer, out int written));
        return buffer.AsSpan(0, written).ToArray();
    }

    public static AccessLogConfig Config(int bufferSize, string format = "json", string path = "stdout") =>
        new() { Path = path, Format = format, BufferSize = bufferSize };

    public static string[] Lines(byte[] log) =>
        Encoding.UTF8.GetString(log).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// A sink that records what it is given and can be held shut: the writer thread then blocks
/// inside <see cref="Write(ReadOnlySpan{byte})"/>, as it would on a stalled disk.
/// </summary>
internal sealed class GatedSink : Stream
{
    private readonly MemoryStream _received = new();
    private readonly ManualResetEventSlim _open;
    private readonly ManualResetEventSlim _entered = new(false);

    public GatedSink(bool open = true) => _open = new ManualResetEventSlim(open);

    /// <summary>Set once the writer thread has called Write.</summary>
    public ManualResetEventSlim Entered => _entered;

    public void Open() => _open.Set();

    public byte[] Received()
    {
        lock (_received)
        {
            return _received.ToArray();
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _entered.Set();
        _open.Wait();
        lock (_received)
        {
            _received.Write(buffer);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
