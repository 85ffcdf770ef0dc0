using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Engine.Http.Logging;

public static partial class AccessLogFormatter
{
    // RFC 8259 section 7: '"', '\' and U+0000..U+001F must be escaped. DEL is escaped too, so a
    // log tailed in a terminal cannot carry control sequences; bytes >= 0x80 are checked for
    // well-formed UTF-8 (section 8.1: JSON text exchanged between systems must be UTF-8), since
    // a request target is whatever bytes the client sent.
    private static readonly SearchValues<byte> s_jsonSpecial = SearchValues.Create(
        [.. Range(0x00, 0x20), (byte)'"', (byte)'\\', .. Range(0x7F, 0x100)]);

    /// <summary>
    /// One object per line, keys in a fixed order:
    /// <code>
    /// {"time":"2000-10-10T13:55:36.123Z","client":"10.0.0.1","method":"GET","host":"example.com",
    ///  "path":"/a?b=1","protocol":"HTTP/1.1","status":200,"bytes_in":87,"bytes_out":2326,
    ///  "duration_ms":1.250,"entrypoint":"web","router":"api","service":"api",
    ///  "upstream":"http://10.0.0.1:9000","upstream_status":200}
    /// </code>
    /// </summary>
    private static void WriteJson(in AccessLogRecord record, ref Utf8LineBuilder line)
    {
        line.Append("{\"time\":\""u8);
        var time = new UtcParts(record.Time);
        // RFC 3339 section 5.6 date-time, UTC ("Z"), milliseconds as time-secfrac.
        line.AppendFourDigits(time.Year);
        line.Append((byte)'-');
        line.AppendTwoDigits(time.Month);
        line.Append((byte)'-');
        line.AppendTwoDigits(time.Day);
        line.Append((byte)'T');
        AppendClock(in time, ref line);
        line.Append((byte)'.');
        line.AppendThreeDigits(time.Millisecond);
        line.Append("Z\",\"client\":\""u8);
        AppendJsonEscaped(record.ClientAddress, ref line);
        line.Append("\",\"method\":\""u8);
        AppendJsonEscaped(record.Method, ref line);
        line.Append("\",\"host\":\""u8);
        AppendJsonEscaped(record.Host, ref line);
        line.Append("\",\"path\":\""u8);
        AppendJsonEscaped(record.Target, ref line);
        line.Append("\",\"protocol\":\""u8);
        AppendJsonEscaped(record.Protocol, ref line);
        line.Append("\",\"status\":"u8);
        line.AppendDecimal(record.Status);
        line.Append(",\"bytes_in\":"u8);
        line.AppendDecimal(record.BytesIn);
        line.Append(",\"bytes_out\":"u8);
        line.AppendDecimal(record.BytesOut);
        line.Append(",\"duration_ms\":"u8);
        AppendMilliseconds(record.Duration, ref line);
        line.Append(",\"entrypoint\":"u8);
        AppendJsonStringOrNull(record.Entrypoint, ref line);
        line.Append(",\"router\":"u8);
        AppendJsonStringOrNull(record.Router, ref line);
        line.Append(",\"service\":"u8);
        AppendJsonStringOrNull(record.Service, ref line);
        line.Append(",\"upstream\":"u8);
        AppendJsonStringOrNull(record.UpstreamAddress, ref line);
        line.Append(",\"upstream_status\":"u8);
        if (record.UpstreamStatus == 0)
        {
            line.Append("null"u8);
        }
        else
        {
            line.AppendDecimal(record.UpstreamStatus);
        }
        line.Append((byte)'}');
    }

    /// <summary>
    /// Milliseconds with exactly three decimals, from the ticks in integer arithmetic: a double
    /// would print 0.1 + 0.2 style tails and costs a float formatting per line.
    /// </summary>
    private static void AppendMilliseconds(TimeSpan duration, ref Utf8LineBuilder line)
    {
        long microseconds = (Math.Max(duration.Ticks, 0) + 5) / 10;
        line.AppendDecimal(microseconds / 1000);
        line.Append((byte)'.');
        line.AppendThreeDigits((int)(microseconds % 1000));
    }

    private static void AppendJsonStringOrNull(string? value, ref Utf8LineBuilder line)
    {
        if (value is null)
        {
            line.Append("null"u8);
            return;
        }

        line.Append((byte)'"');
        // Config names are short ASCII almost always: narrow them in place, keep the result
        // unless it holds something to escape.
        if (line.TryAppendAscii(value, out Span<byte> ascii))
        {
            if (!ascii.ContainsAny(s_jsonSpecial))
            {
                line.Append((byte)'"');
                return;
            }
            line.Unwrite(ascii.Length);
        }
        AppendJsonStringSlow(value, ref line);
        line.Append((byte)'"');
    }

    [SkipLocalsInit]
    private static void AppendJsonStringSlow(string value, ref Utf8LineBuilder line)
    {
        // Config names are UTF-16: transcode through a small stack buffer (a lone surrogate
        // becomes U+FFFD) and escape the bytes like wire bytes. FromUtf16 never splits a
        // surrogate pair when the scratch fills, so each round makes progress.
        Span<byte> scratch = stackalloc byte[128];
        ReadOnlySpan<char> rest = value;
        while (!rest.IsEmpty)
        {
            Utf8.FromUtf16(rest, scratch, out int charsRead, out int bytesWritten, replaceInvalidSequences: true);
            AppendJsonEscaped(scratch.Slice(0, bytesWritten), ref line);
            rest = rest.Slice(charsRead);
        }
    }

    /// <summary>The inside of a JSON string: plain runs copied whole, the rest escaped.</summary>
    private static void AppendJsonEscaped(scoped ReadOnlySpan<byte> value, ref Utf8LineBuilder line)
    {
        while (true)
        {
            int special = value.IndexOfAny(s_jsonSpecial);
            if (special < 0)
            {
                line.Append(value);
                return;
            }
            line.Append(value.Slice(0, special));
            value = value.Slice(special);

            byte b = value[0];
            if (b >= 0x80)
            {
                // Copy one well-formed scalar as it is; an ill-formed sequence (a stray
                // continuation byte, an overlong form, a surrogate, a truncated tail) becomes one
                // \ufffd per maximal subpart, the Unicode-recommended replacement.
                OperationStatus status = Rune.DecodeFromUtf8(value, out _, out int consumed);
                if (status == OperationStatus.Done)
                {
                    line.Append(value.Slice(0, consumed));
                }
                else
                {
                    line.Append("\\ufffd"u8);
                }
                value = value.Slice(consumed);
                continue;
            }

            switch (b)
            {
                case (byte)'"':
                    line.Append("\\\""u8);
                    break;
                case (byte)'\\':
                    line.Append("\\\\"u8);
                    break;
                case (byte)'\n':
                    line.Append("\\n"u8);
                    break;
                case (byte)'\r':
                    line.Append("\\r"u8);
                    break;
                case (byte)'\t':
                    line.Append("\\t"u8);
                    break;
                default:
                    line.Append("\\u00"u8);
                    line.AppendHexByte(b);
                    break;
            }
            value = value.Slice(1);
        }
    }

    private static byte[] Range(int start, int end)
    {
        var bytes = new byte[end - start];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(start + i);
        }
        return bytes;
    }
}
