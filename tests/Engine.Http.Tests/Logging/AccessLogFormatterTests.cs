using System.Text;
using System.Text.Json;
using Engine.Http.Logging;

namespace Engine.Http.Tests.Logging;

public class AccessLogFormatterTests
{
    [Fact]
    public void FormatJson_ProxiedRequest_WritesKeysInOrderWithUtcMillisecondsAndThreeDecimals()
    {
        string line = AccessLogSamples.Format(AccessLogSamples.Proxied("/a?b=1"u8), AccessLogFormat.Json);

        Assert.Equal(AccessLogSamples.ExpectedJson, line);
        using JsonDocument parsed = JsonDocument.Parse(line);
        Assert.Equal(1234.568, parsed.RootElement.GetProperty("duration_ms").GetDouble());
        Assert.Equal(new DateTimeOffset(2000, 10, 10, 11, 55, 36, 123, TimeSpan.Zero), parsed.RootElement.GetProperty("time").GetDateTimeOffset());
    }

    [Fact]
    public void FormatJson_UnroutedRequest_WritesNullForMissingRouterServiceAndUpstream()
    {
        string line = AccessLogSamples.Format(AccessLogSamples.Unrouted(), AccessLogFormat.Json);

        Assert.Equal(
            "{\"time\":\"2000-10-10T11:55:36.123Z\",\"client\":\"::1\",\"method\":\"GET\",\"host\":\"\",\"path\":\"/missing\"," +
            "\"protocol\":\"HTTP/1.0\",\"status\":404,\"bytes_in\":40,\"bytes_out\":0,\"duration_ms\":0.000,\"entrypoint\":\"web\"," +
            "\"router\":null,\"service\":null,\"upstream\":null,\"upstream_status\":null}\n",
            line);
        using JsonDocument parsed = JsonDocument.Parse(line);
        foreach (string key in new[] { "router", "service", "upstream", "upstream_status" })
        {
            Assert.Equal(JsonValueKind.Null, parsed.RootElement.GetProperty(key).ValueKind);
        }
    }

    [Fact]
    public void FormatJson_TargetWithQuoteBackslashControlByteAndInvalidUtf8_StaysValidJson()
    {
        // '"', '\', 0x01, a tab, a lone 0xFF, 0xC3 cut short by '(', then a well-formed "é" (C3 A9).
        byte[] target = [.. "/a\"b\\c"u8, 0x01, (byte)'\t', 0xFF, 0xC3, (byte)'(', 0xC3, 0xA9, 0x7F];

        byte[] line = AccessLogSamples.FormatBytes(AccessLogSamples.Proxied(target), AccessLogFormat.Json);

        Assert.Contains("\"path\":\"/a\\\"b\\\\c\\u0001\\t\\ufffd\\ufffd(\u00e9\\u007f\"", Encoding.UTF8.GetString(line), StringComparison.Ordinal);
        // Parsed from the raw bytes: JsonDocument rejects ill-formed UTF-8, a decoded string would hide it.
        using JsonDocument parsed = JsonDocument.Parse(line);
        Assert.Equal("/a\"b\\c\u0001\t\uFFFD\uFFFD(\u00e9\u007f", parsed.RootElement.GetProperty("path").GetString());
    }

    [Fact]
    public void FormatJson_EveryByteValueInEveryField_ParsesBack()
    {
        byte[] all = new byte[256];
        for (int i = 0; i < all.Length; i++)
        {
            all[i] = (byte)i;
        }
        var record = new AccessLogRecord
        {
            Time = AccessLogSamples.Time,
            ClientAddress = all,
            Method = all,
            Host = all,
            Target = all,
            Protocol = all,
            Entrypoint = "we\"b\u0000\ud800x",
            Router = "\u00e9\U0001F600",
        };

        byte[] line = AccessLogSamples.FormatBytes(in record, AccessLogFormat.Json);

        Assert.Equal((byte)'\n', line[^1]);
        Assert.Equal(-1, line.AsSpan(0, line.Length - 1).IndexOfAny((byte)'\n', (byte)'\r'));
        using JsonDocument parsed = JsonDocument.Parse(line);
        // A lone surrogate in a config name becomes U+FFFD; a pair survives.
        Assert.Equal("we\"b\u0000\uFFFDx", parsed.RootElement.GetProperty("entrypoint").GetString());
        Assert.Equal("\u00e9\U0001F600", parsed.RootElement.GetProperty("router").GetString());
    }

    [Fact]
    public void FormatCommon_ProxiedRequest_WritesNcsaLineInUtc()
    {
        string line = AccessLogSamples.Format(AccessLogSamples.Proxied("/a?b=1"u8), AccessLogFormat.Common);

        Assert.Equal(AccessLogSamples.ExpectedCommon, line);
    }

    [Fact]
    public void FormatCommon_NoBytesSent_WritesDashForSize()
    {
        string line = AccessLogSamples.Format(AccessLogSamples.Unrouted(), AccessLogFormat.Common);

        Assert.Equal("::1 - - [10/Oct/2000:11:55:36 +0000] \"GET /missing HTTP/1.0\" 404 -\n", line);
    }

    [Fact]
    public void FormatCommon_RequestLineWithQuoteBackslashAndNonAscii_EscapesApacheStyle()
    {
        byte[] target = [.. "/a\"b\\c"u8, 0x01, 0xFF, 0xC3, 0xA9];

        string line = AccessLogSamples.Format(AccessLogSamples.Proxied(target), AccessLogFormat.Common);

        Assert.Equal("10.0.0.1 - - [10/Oct/2000:11:55:36 +0000] \"GET /a\\\"b\\\\c\\x01\\xff\\xc3\\xa9 HTTP/1.1\" 200 2326\n", line);
    }

    [Fact]
    public void FormatCommon_RequestRejectedBeforeItsLine_WritesDashRequestAndClient()
    {
        var record = new AccessLogRecord { Time = AccessLogSamples.Time, Status = 400, BytesOut = 120, Entrypoint = "web" };

        string line = AccessLogSamples.Format(in record, AccessLogFormat.Common);

        Assert.Equal("- - - [10/Oct/2000:11:55:36 +0000] \"-\" 400 120\n", line);
    }

    [Theory]
    [InlineData(AccessLogFormat.Json)]
    [InlineData(AccessLogFormat.Common)]
    public void TryFormat_DestinationOneByteShort_ReturnsFalse(AccessLogFormat format)
    {
        AccessLogRecord record = AccessLogSamples.Proxied("/a?b=1"u8);
        int length = Encoding.UTF8.GetByteCount(AccessLogSamples.Format(in record, format));

        Assert.False(AccessLogFormatter.TryFormat(in record, format, new byte[length - 1], out int written));
        Assert.Equal(0, written);
        Assert.True(AccessLogFormatter.TryFormat(in record, format, new byte[length], out written));
        Assert.Equal(length, written);
    }
}
