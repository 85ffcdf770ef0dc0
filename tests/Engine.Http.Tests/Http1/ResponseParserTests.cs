using System.Text;
using Engine.Fuzz.Http1;
using Engine.Http.Http1;
using Engine.TestSupport;

namespace Engine.Http.Tests.Http1;

public class ResponseParserTests
{
    [Theory]
    [MemberData(nameof(HttpParsingData.ResponseFramings), MemberType = typeof(HttpParsingData))]
    public void TryParseResponse_StatusMethodAndFields_DecideFraming(string raw, HttpMethod method, BodyFraming framing, bool keepAlive)
    {
        byte[] bytes = Http1Samples.Ascii(raw);
        var head = new HttpResponseHead();

        Assert.True(Http1Parser.TryParseResponse(bytes, head, method, HttpParserLimits.Default));

        Assert.Equal(bytes.Length, head.HeadLength);
        Assert.Equal(framing, head.Framing);
        Assert.Equal(keepAlive, head.KeepAlive);
        Assert.Equal(framing == BodyFraming.Chunked, head.Chunked);
    }

    [Theory]
    [MemberData(nameof(HttpParsingData.ResponseFramings), MemberType = typeof(HttpParsingData))]
    public void TryParseResponse_EveryPrefixThenByteByByte_EqualsOneShot(string raw, HttpMethod method, BodyFraming framing, bool keepAlive)
    {
        _ = (framing, keepAlive);
        byte[] bytes = Http1Samples.Ascii(raw);
        var oneShot = new HttpResponseHead();
        Assert.True(Http1Parser.TryParseResponse(bytes, oneShot, method, HttpParserLimits.Default));

        var fresh = new HttpResponseHead();
        for (int length = 0; length < bytes.Length; length++)
        {
            fresh.Reset();
            Assert.False(Http1Parser.TryParseResponse(bytes.AsSpan(0, length), fresh, method, HttpParserLimits.Default));
        }
        var incremental = new HttpResponseHead();
        Assert.Equal(HeadOutcome.Complete, HeadOracle.ParseResponseIncrementally(bytes, FuzzLimits.EveryByte(bytes.Length), incremental, method, HttpParserLimits.Default));
        Assert.Null(HeadOracle.Difference(oneShot, incremental));
    }

    [Theory]
    [MemberData(nameof(HttpParsingData.InvalidResponses), MemberType = typeof(HttpParsingData))]
    public void TryParseResponse_InvalidResponse_RejectsWithExactReason(string name, string raw, RequestRejectionReason reason)
    {
        byte[] bytes = Http1Samples.Ascii(raw);
        var error = Assert.Throws<HttpParseException>(() => Http1Parser.TryParseResponse(bytes, new HttpResponseHead(), HttpMethod.Get, HttpParserLimits.Default));
        Assert.True(reason == error.Reason, $"{name}: expected {reason}, got {error.Reason}");
        Assert.Equal(RequestParserTests.ExpectedStatus(reason), error.StatusCode);
    }

    [Fact]
    public void TryParseResponse_StatusLine_ExposesVersionCodeAndReason()
    {
        byte[] bytes = Http1Samples.NginxResponse;
        var head = new HttpResponseHead();

        Assert.True(Http1Parser.TryParseResponse(bytes, head, HttpMethod.Get, HttpParserLimits.Default));
        head.Source = bytes;

        Assert.Equal(HttpVersion.Http11, head.Version);
        Assert.Equal(200, head.StatusCode);
        Assert.Equal("OK", Encoding.Latin1.GetString(head.Reason));
        Assert.Equal(6120, head.ContentLength);
        Assert.Equal(9, head.HeaderCount);
        Assert.True(head.Headers[5].Hop);
        Assert.Equal(KnownHeader.Connection, head.Headers[5].Known);
    }

    [Fact]
    public void TryParseResponse_MissingReasonPhrase_IsAccepted()
    {
        byte[] bytes = Http1Samples.Ascii("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n");
        var head = new HttpResponseHead();

        Assert.True(Http1Parser.TryParseResponse(bytes, head, HttpMethod.Get, HttpParserLimits.Default));
        Assert.Equal(0, head.ReasonLength);
    }

    [Fact]
    public void TryParseResponse_ConnectionNominatesField_FieldIsHop()
    {
        byte[] bytes = Http1Samples.Ascii("HTTP/1.1 200 OK\r\nConnection: X-Internal\r\nX-Internal: 1\r\nContent-Length: 0\r\n\r\n");
        var head = new HttpResponseHead();

        Assert.True(Http1Parser.TryParseResponse(bytes, head, HttpMethod.Get, HttpParserLimits.Default));
        Assert.True(head.Headers[1].Hop);
        Assert.False(head.Headers[2].Hop);
    }

    [Fact]
    public void TryParseResponse_WarmHead_AllocatesNothing()
    {
        byte[][] responses = [Http1Samples.NginxResponse, Http1Samples.ChunkedResponse];
        var head = new HttpResponseHead();
        foreach (byte[] response in responses)
        {
            head.Reset();
            Http1Parser.TryParseResponse(response, head, HttpMethod.Get, HttpParserLimits.Default);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            foreach (byte[] response in responses)
            {
                head.Reset();
                Http1Parser.TryParseResponse(response, head, HttpMethod.Get, HttpParserLimits.Default);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
