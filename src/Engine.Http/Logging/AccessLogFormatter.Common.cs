using System.Buffers;

namespace Engine.Http.Logging;

public static partial class AccessLogFormatter
{
    // Apache's rule for %r since 2.0.46 (CVE-2003-0020): non-printable bytes as \xhh, '"' and
    // '\' behind a backslash, so a client cannot forge a field or a line, nor reach a terminal.
    // Bytes >= 0x80 count as non-printable, which keeps every common-format line ASCII.
    private static readonly SearchValues<byte> s_commonSpecial = SearchValues.Create(
        [.. Range(0x00, 0x20), (byte)'"', (byte)'\\', .. Range(0x7F, 0x100)]);

    private static ReadOnlySpan<byte> MonthNames => "JanFebMarAprMayJunJulAugSepOctNovDec"u8;

    /// <summary>
    /// NCSA common log format, always in UTC:
    /// <code>
    /// 10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /a?b=1 HTTP/1.1" 200 2326
    /// </code>
    /// ident and authuser are always "-"; the size is the bytes sent, "-" when none.
    /// </summary>
    private static void WriteCommon(in AccessLogRecord record, ref Utf8LineBuilder line)
    {
        AppendCommonField(record.ClientAddress, ref line);
        line.Append(" - - ["u8);
        var time = new UtcParts(record.Time);
        line.AppendTwoDigits(time.Day);
        line.Append((byte)'/');
        line.Append(MonthNames.Slice((time.Month - 1) * 3, 3));
        line.Append((byte)'/');
        line.AppendFourDigits(time.Year);
        line.Append((byte)':');
        AppendClock(in time, ref line);
        line.Append(" +0000] \""u8);

        // The request line as received; a request rejected before its line was read has none,
        // which Apache writes as "-". Missing parts are left out rather than shown as gaps.
        if (record.Method.IsEmpty && record.Target.IsEmpty && record.Protocol.IsEmpty)
        {
            line.Append((byte)'-');
        }
        else
        {
            bool any = false;
            AppendRequestLinePart(record.Method, ref any, ref line);
            AppendRequestLinePart(record.Target, ref any, ref line);
            AppendRequestLinePart(record.Protocol, ref any, ref line);
        }

        line.Append("\" "u8);
        line.AppendDecimal(record.Status);
        line.Append((byte)' ');
        if (record.BytesOut == 0)
        {
            line.Append((byte)'-');
        }
        else
        {
            line.AppendDecimal(record.BytesOut);
        }
    }

    private static void AppendRequestLinePart(scoped ReadOnlySpan<byte> part, ref bool any, ref Utf8LineBuilder line)
    {
        if (part.IsEmpty)
        {
            return;
        }
        if (any)
        {
            line.Append((byte)' ');
        }
        AppendCommonEscaped(part, ref line);
        any = true;
    }

    private static void AppendCommonField(scoped ReadOnlySpan<byte> value, ref Utf8LineBuilder line)
    {
        if (value.IsEmpty)
        {
            line.Append((byte)'-');
        }
        else
        {
            AppendCommonEscaped(value, ref line);
        }
    }

    private static void AppendCommonEscaped(scoped ReadOnlySpan<byte> value, ref Utf8LineBuilder line)
    {
        while (true)
        {
            int special = value.IndexOfAny(s_commonSpecial);
            if (special < 0)
            {
                line.Append(value);
                return;
            }
            line.Append(value.Slice(0, special));

            byte b = value[special];
            if (b is (byte)'"' or (byte)'\\')
            {
                line.Append((byte)'\\');
                line.Append(b);
            }
            else
            {
                line.Append("\\x"u8);
                line.AppendHexByte(b);
            }
            value = value.Slice(special + 1);
        }
    }
}
