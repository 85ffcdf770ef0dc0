namespace Engine.Http.Logging;

/// <summary>
/// Formats an <see cref="AccessLogRecord"/> as one UTF-8 line, newline included, into a span the
/// caller owns. Nothing is allocated: numbers go through <c>Utf8Formatter</c>, dates are laid
/// out digit by digit, and escaping is done here byte by byte.
/// </summary>
public static partial class AccessLogFormatter
{
    /// <summary>
    /// Writes the line; false (with nothing usable in <paramref name="destination"/>) when it does
    /// not fit, in which case the caller retries with a larger buffer.
    /// </summary>
    public static bool TryFormat(in AccessLogRecord record, AccessLogFormat format, Span<byte> destination, out int bytesWritten)
    {
        var line = new Utf8LineBuilder(destination);
        if (format == AccessLogFormat.Common)
        {
            WriteCommon(in record, ref line);
        }
        else
        {
            WriteJson(in record, ref line);
        }
        line.Append((byte)'\n');

        bytesWritten = line.Overflowed ? 0 : line.Length;
        return !line.Overflowed;
    }

    /// <summary>The wall-clock fields of a UTC instant, computed once from its ticks.</summary>
    private readonly struct UtcParts
    {
        public UtcParts(DateTimeOffset time)
        {
            DateTime utc = time.UtcDateTime;
            utc.Deconstruct(out Year, out Month, out Day);
            long ticksOfDay = utc.Ticks % TimeSpan.TicksPerDay;
            Hour = (int)(ticksOfDay / TimeSpan.TicksPerHour);
            Minute = (int)(ticksOfDay / TimeSpan.TicksPerMinute % 60);
            Second = (int)(ticksOfDay / TimeSpan.TicksPerSecond % 60);
            Millisecond = (int)(ticksOfDay / TimeSpan.TicksPerMillisecond % 1000);
        }

        public readonly int Year;
        public readonly int Month;
        public readonly int Day;
        public readonly int Hour;
        public readonly int Minute;
        public readonly int Second;
        public readonly int Millisecond;
    }

    /// <summary>hh:mm:ss, shared by both formats.</summary>
    private static void AppendClock(in UtcParts time, ref Utf8LineBuilder line)
    {
        line.AppendTwoDigits(time.Hour);
        line.Append((byte)':');
        line.AppendTwoDigits(time.Minute);
        line.Append((byte)':');
        line.AppendTwoDigits(time.Second);
    }
}
