using Engine.Http.Http1;
using Engine.TestSupport;

namespace Engine.Http.Tests.Http1;

/// <summary>The smuggling-driven rules that go beyond one line of the grammar.</summary>
public class StrictnessTests
{
    [Theory]
    [InlineData("Transfer_Encoding")]
    [InlineData("transfer___encoding")]
    [InlineData("Transfer--Encoding")]
    [InlineData("Content_Length")]
    [InlineData("CONTENT-_LENGTH")]
    public void TryParseRequest_FramingLookalikeName_RejectsInvalidHeaderName(string name)
    {
        byte[] bytes = Http1Samples.Ascii($"POST / HTTP/1.1\r\nHost: h\r\n{name}: chunked\r\n\r\n");

        var error = Assert.Throws<HttpParseException>(() => Http1Parser.TryParseRequest(bytes, new HttpRequestHead(), HttpParserLimits.Default));

        Assert.Equal(RequestRejectionReason.InvalidHeaderName, error.Reason);
        Assert.Equal(400, error.StatusCode);
    }

    [Theory]
    [InlineData("Accept_Language")]
    [InlineData("X_Content_Length")]
    [InlineData("Content_Length_Hint")]
    [InlineData("Sec--Fetch--Mode")]
    public void TryParseRequest_UnderscoreNameThatIsNotFraming_IsAccepted(string name)
    {
        byte[] bytes = Http1Samples.Ascii($"GET / HTTP/1.1\r\nHost: h\r\n{name}: 1\r\n\r\n");
        var head = new HttpRequestHead();

        Assert.True(Http1Parser.TryParseRequest(bytes, head, HttpParserLimits.Default));
        Assert.Equal(KnownHeader.Other, head.Headers[1].Known);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n ")]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\n\t")]
    public void TryParseRequest_LineStartingWithWhitespace_RejectsBeforeItsLineEnds(string raw)
    {
        var error = Assert.Throws<HttpParseException>(() => Http1Parser.TryParseRequest(Http1Samples.Ascii(raw), new HttpRequestHead(), HttpParserLimits.Default));

        Assert.Equal(RequestRejectionReason.ObsoleteLineFolding, error.Reason);
    }

    [Theory]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 1x\r\n", RequestRejectionReason.InvalidContentLength)]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n", RequestRejectionReason.DuplicateContentLength)]
    public void TryParseRequest_BadContentLengthLine_RejectsBeforeTheHeadEnds(string raw, RequestRejectionReason reason)
    {
        var error = Assert.Throws<HttpParseException>(() => Http1Parser.TryParseRequest(Http1Samples.Ascii(raw), new HttpRequestHead(), HttpParserLimits.Default));

        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void TryParseRequest_ContentLengthSplitAcrossCalls_StillComparedWithEarlierLine()
    {
        byte[] bytes = Http1Samples.Ascii("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\nX: y\r\nContent-Length: 8\r\n\r\n");
        var head = new HttpRequestHead();
        int secondLine = Array.IndexOf(bytes, (byte)'X');

        Assert.False(Http1Parser.TryParseRequest(bytes.AsSpan(0, secondLine), head, HttpParserLimits.Default));
        var error = Assert.Throws<HttpParseException>(() => Http1Parser.TryParseRequest(bytes, head, HttpParserLimits.Default));

        Assert.Equal(RequestRejectionReason.DuplicateContentLength, error.Reason);
    }

    [Fact]
    public void HttpCharacters_Token_IsExactlyRfc9110Tchar()
    {
        const string Specials = "!#$%&'*+-.^_`|~";
        for (int b = 0; b < 256; b++)
        {
            bool tchar = char.IsAsciiLetterOrDigit((char)b) || Specials.Contains((char)b, StringComparison.Ordinal);
            Assert.True(tchar == HttpCharacters.Token.Contains((byte)b), $"byte 0x{b:X2}");
        }
    }

    [Fact]
    public void HttpCharacters_FieldValue_IsVcharObsTextSpaceAndTab()
    {
        for (int b = 0; b < 256; b++)
        {
            bool allowed = b is '\t' or (>= 0x20 and <= 0x7E) or >= 0x80;
            Assert.True(allowed == HttpCharacters.FieldValue.Contains((byte)b), $"byte 0x{b:X2}");
        }
    }

    [Fact]
    public void TestDataFact_MissingSubfolder_IsSkippedWithReason()
    {
        var attribute = new TestDataFactAttribute("no-such-folder-anywhere");

        // Without the test-data root the reason names the root; with it, the missing folder.
        string expected = TestData.Directory is null ? TestData.MissingMessage : "no-such-folder-anywhere";
        Assert.NotNull(attribute.Skip);
        Assert.Contains(expected, attribute.Skip, StringComparison.Ordinal);
    }
}
