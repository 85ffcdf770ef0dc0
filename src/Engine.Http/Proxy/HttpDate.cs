using System.Buffers.Text;

namespace Engine.Http.Proxy;

/// <summary>
/// The <c>Date</c> field line the proxy adds to its own responses and to forwarded responses
/// that lack one (RFC 9110 §6.6.1: a proxy with a clock MUST add it). Formatted once per second
/// and shared: a response reads the clock and, within the same second, reuses the bytes.
/// </summary>
internal static class HttpDate
{
    private static Stamp s_current = Create(DateTime.UtcNow);

    /// <summary><c>Date: Thu, 03 Dec 2026 16:00:00 GMT\r\n</c> for the current second.</summary>
    public static ReadOnlySpan<byte> FieldLine
    {
        get
        {
            DateTime now = DateTime.UtcNow;
            Stamp stamp = Volatile.Read(ref s_current);
            if (stamp.Second != now.Ticks / TimeSpan.TicksPerSecond)
            {
                // Threads that cross the second together each format it; the last one wins.
                stamp = Create(now);
                Volatile.Write(ref s_current, stamp);
            }
            return stamp.Line;
        }
    }

    private static Stamp Create(DateTime now)
    {
        byte[] line = new byte[37];
        "Date: "u8.CopyTo(line);
        Utf8Formatter.TryFormat(now, line.AsSpan(6), out int written, new System.Buffers.StandardFormat('R'));
        "\r\n"u8.CopyTo(line.AsSpan(6 + written));
        return new Stamp(now.Ticks / TimeSpan.TicksPerSecond, line);
    }

    private sealed record Stamp(long Second, byte[] Line);
}
