using System.Text;
using Engine.Fuzz.Http1;
using Engine.Http.Http1;
using Engine.TestSupport;

namespace Engine.Http.Tests.Http1;

public class RequestParserTests
{
    public static TheoryData<HttpParsingData.ValidRequest> ValidRequests()
    {
        var data = new TheoryData<HttpParsingData.ValidRequest>();
        foreach (HttpParsingData.ValidRequest request in HttpParsingData.ValidRequests())
        {
            data.Add(request);
        }
        return data;
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n", RequestBodyKind.None)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", RequestBodyKind.None)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", RequestBodyKind.Length)]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", RequestBodyKind.UnknownLength)]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", RequestBodyKind.Upgrade)]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n", RequestBodyKind.None)]
    [InlineData("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", RequestBodyKind.Upgrade)]
    public void TryParseRequest_BodyKind_IsTheProtocolNeutralFraming(string request, RequestBodyKind expected)
    {
        HttpRequestHead head = Parse(Encoding.ASCII.GetBytes(request));

        Assert.Equal(expected, head.BodyKind);
    }

    [Theory]
    [MemberData(nameof(ValidRequests))]
    public void TryParseRequest_ValidCrossProduct_FillsEveryField(HttpParsingData.ValidRequest request)
    {
        byte[] bytes = request.Bytes;
        HttpRequestHead head = Parse(bytes);

        Assert.Equal(bytes.Length, head.HeadLength);
        Assert.Equal(request.Method, head.Method);
        Assert.Equal(request.MethodText, Text(head.MethodBytes));
        Assert.Equal(request.Form, head.TargetForm);
        Assert.Equal(request.Path, Text(head.Path));
        Assert.Equal(request.Query, head.QueryLength < 0 ? null : Text(head.Query));
        Assert.Equal(request.Authority, Text(head.Authority));
        Assert.Equal(request.Version, head.Version);
        Assert.Equal(request.ContentLength, head.ContentLength);
        Assert.Equal(request.Chunked, head.Chunked);
        Assert.Equal(request.KeepAlive, head.KeepAlive);
        Assert.Equal(request.HeaderCount, head.HeaderCount);
    }

    [Theory]
    [MemberData(nameof(ValidRequests))]
    public void TryParseRequest_EveryIncompletePrefix_ReturnsFalse(HttpParsingData.ValidRequest request)
    {
        byte[] bytes = request.Bytes;
        var head = new HttpRequestHead();
        for (int length = 0; length < bytes.Length; length++)
        {
            head.Reset();
            Assert.False(Http1Parser.TryParseRequest(bytes.AsSpan(0, length), head, HttpParserLimits.Default), $"prefix of {length} bytes");
            Assert.Equal(0, head.HeadLength);
        }
    }

    [Theory]
    [MemberData(nameof(ValidRequests))]
    public void TryParseRequest_FedByteByByte_EqualsOneShot(HttpParsingData.ValidRequest request)
    {
        byte[] bytes = request.Bytes;
        HttpRequestHead oneShot = Parse(bytes);
        var incremental = new HttpRequestHead();
        for (int length = 1; length < bytes.Length; length++)
        {
            Assert.False(Http1Parser.TryParseRequest(bytes.AsSpan(0, length), incremental, HttpParserLimits.Default));
            Assert.True(incremental.ParsedOffset <= length);
        }
        Assert.True(Http1Parser.TryParseRequest(bytes, incremental, HttpParserLimits.Default));
        Assert.Null(HeadOracle.Difference(oneShot, incremental));
    }

    [Theory]
    [MemberData(nameof(HttpParsingData.InvalidRequests), MemberType = typeof(HttpParsingData))]
    public void TryParseRequest_InvalidRequest_RejectsWithExactReasonAndStatus(string name, string raw, RequestRejectionReason reason)
    {
        byte[] bytes = Http1Samples.Ascii(raw);
        var error = Assert.Throws<HttpParseException>(() => Http1Parser.TryParseRequest(bytes, new HttpRequestHead(), HttpParserLimits.Default));
        Assert.True(reason == error.Reason, $"{name}: expected {reason}, got {error.Reason} at {error.Offset}");
        Assert.Equal(ExpectedStatus(reason), error.StatusCode);
        Assert.InRange(error.Offset, 0, bytes.Length);

        // Fed byte by byte, the same bytes end in the same rejection.
        var head = new HttpRequestHead();
        Assert.Equal(new HeadOutcome(OutcomeKind.Rejected, reason), HeadOracle.ParseRequestIncrementally(bytes, FuzzLimits.EveryByte(bytes.Length), head, HttpParserLimits.Default));
    }

    [Fact]
    public void TryParseRequest_ResumedAfterPartialHeaderLine_KeepsValidatedLinesAndOffset()
    {
        byte[] bytes = Http1Samples.BrowserGet;
        var head = new HttpRequestHead();
        int firstHeaderEnd = Encoding.Latin1.GetString(bytes).IndexOf("Connection", StringComparison.Ordinal);

        Assert.False(Http1Parser.TryParseRequest(bytes.AsSpan(0, firstHeaderEnd + 3), head, HttpParserLimits.Default));

        Assert.Equal(firstHeaderEnd, head.ParsedOffset);
        Assert.Equal(1, head.HeaderCount);
        Assert.True(Http1Parser.TryParseRequest(bytes, head, HttpParserLimits.Default));
        Assert.Equal(13, head.HeaderCount);
    }

    [Fact]
    public void TryParseRequest_AbsoluteForm_TakesAuthorityFromTargetNotHost()
    {
        HttpRequestHead head = Parse("GET http://origin.example:8080/a?b HTTP/1.1\r\nHost: other.example\r\n\r\n");

        Assert.Equal("origin.example:8080", Text(head.Authority));
        Assert.Equal("/a", Text(head.Path));
        Assert.Equal("b", Text(head.Query));
        Assert.Equal("http://origin.example:8080/a?b", Text(head.Target));
    }

    [Fact]
    public void TryParseRequest_FieldValue_IsTrimmedOfOptionalWhitespace()
    {
        HttpRequestHead head = Parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: \t a \t b\t \r\nX-Empty: \t \r\n\r\n");

        Assert.Equal("X-A", Text(head.NameOf(head.Headers[1])));
        Assert.Equal("a \t b", Text(head.ValueOf(head.Headers[1])));
        Assert.Equal("", Text(head.ValueOf(head.Headers[2])));
    }

    [Fact]
    public void TryParseRequest_KnownHeaderNames_RecognisedInAnyCase()
    {
        HttpRequestHead head = Parse(
            "POST / HTTP/1.1\r\nhOsT: h\r\ncOnTeNt-LeNgTh: 1\r\nX-FORWARDED-FOR: a\r\nx-forwarded-proto: b\r\nX-Forwarded-Host: c\r\n" +
            "X-Forwarded-Port: 1\r\nFORWARDED: for=a\r\nExpect: x\r\nX-Forwarded-Fo: no\r\n\r\n");

        KnownHeader[] expected =
        [
            KnownHeader.Host, KnownHeader.ContentLength, KnownHeader.XForwardedFor, KnownHeader.XForwardedProto,
            KnownHeader.XForwardedHost, KnownHeader.XForwardedPort, KnownHeader.Forwarded, KnownHeader.Expect, KnownHeader.Other,
        ];
        Assert.Equal(expected, head.Headers.ToArray().Select(h => h.Known));
    }

    [Fact]
    public void TryParseRequest_HopByHopFields_AreMarkedHop()
    {
        HttpRequestHead head = Parse(
            "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Upgrade, X-Private , content-length\r\nKeep-Alive: timeout=5\r\n" +
            "Proxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: X-Sum\r\nUpgrade: websocket\r\nx-private: 1\r\n" +
            "Content-Length: 0\r\nX-Public: 2\r\nExpect: 100-Continue\r\n\r\n");

        string[] hop = [.. head.Headers.ToArray().Where(h => h.Hop).Select(h => Text(head.NameOf(h)))];
        Assert.Equal(["Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade", "x-private", "Expect"], hop);
        Assert.True(head.ExpectContinue);
        Assert.Equal(ConnectionOptions.KeepAlive | ConnectionOptions.Upgrade, head.Connection);
    }

    [Fact]
    public void TryParseRequest_ChunkedRequest_MarksTransferEncodingHop()
    {
        HttpRequestHead head = Parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");

        Assert.True(head.Headers[1].Hop);
        Assert.True(head.Chunked);
        Assert.True(head.HasBody);
        Assert.Equal(-1, head.ContentLength);
    }

    [Fact]
    public void TryParseRequest_ExpectOtherThanContinue_IsForwarded()
    {
        HttpRequestHead head = Parse("GET / HTTP/1.1\r\nHost: h\r\nExpect: something-else\r\n\r\n");

        Assert.False(head.ExpectContinue);
        Assert.False(head.Headers[1].Hop);
    }

    [Theory]
    [InlineData("GET / HTTP/1.0\r\n\r\n", false, ConnectionOptions.Close)]
    [InlineData("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true, ConnectionOptions.KeepAlive)]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\n\r\n", true, ConnectionOptions.None)]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nConnection: ,, CLOSE ,\r\n\r\n", false, ConnectionOptions.Close)]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n", false, ConnectionOptions.Close | ConnectionOptions.KeepAlive)]
    public void TryParseRequest_ConnectionAndVersion_DecideKeepAlive(string raw, bool keepAlive, ConnectionOptions options)
    {
        HttpRequestHead head = Parse(raw);

        Assert.Equal(keepAlive, head.KeepAlive);
        Assert.Equal(options, head.Connection);
    }

    [Fact]
    public void TryParseRequest_RequestLineOverLimit_Rejects414AsSoonAsLimitIsReached()
    {
        var limits = new HttpParserLimits { MaxRequestLineSize = 32 };
        byte[] fits = Http1Samples.Ascii("GET /" + new string('a', 16) + " HTTP/1.1\r\nHost: h\r\n\r\n");
        byte[] tooLong = Http1Samples.Ascii("GET /" + new string('a', 17) + " HTTP/1.1\r\nHost: h\r\n\r\n");

        Assert.True(Http1Parser.TryParseRequest(fits, new HttpRequestHead(), limits));
        var error = Assert.Throws<HttpParseException>(() => Http1Parser.TryParseRequest(tooLong.AsSpan(0, 32), new HttpRequestHead(), limits));
        Assert.Equal(RequestRejectionReason.RequestLineTooLong, error.Reason);
        Assert.Equal(414, error.StatusCode);
        Assert.False(Http1Parser.TryParseRequest(tooLong.AsSpan(0, 31), new HttpRequestHead(), limits));
    }

    [Fact]
    public void TryParseRequest_HeadOverLimit_Rejects431AsSoonAsLimitIsReached()
    {
        byte[] bytes = Http1Samples.BrowserGet;
        var exact = new HttpParserLimits { MaxHeadSize = bytes.Length };
        var smaller = new HttpParserLimits { MaxHeadSize = bytes.Length - 1 };

        Assert.True(Http1Parser.TryParseRequest(bytes, new HttpRequestHead(), exact));
        var error = Assert.Throws<HttpParseException>(() => Http1Parser.TryParseRequest(bytes.AsSpan(0, bytes.Length - 1), new HttpRequestHead(), smaller));
        Assert.Equal(RequestRejectionReason.HeadersTooLarge, error.Reason);
        Assert.Equal(431, error.StatusCode);
    }

    [Fact]
    public void TryParseRequest_HeadFollowedByBodyBeyondLimit_StillCompletes()
    {
        byte[] head = Http1Samples.Ascii("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n");
        byte[] withBody = [.. head, .. new byte[100]];

        var parsed = new HttpRequestHead();
        Assert.True(Http1Parser.TryParseRequest(withBody, parsed, new HttpParserLimits { MaxHeadSize = head.Length }));
        Assert.Equal(head.Length, parsed.HeadLength);
    }

    [Theory]
    [InlineData(3, 100, true)]
    [InlineData(2, 100, false)]
    [InlineData(100, 2, false)]
    public void TryParseRequest_HeaderCountOverLimitOrHeadCapacity_Rejects431(int limit, int capacity, bool accepted)
    {
        byte[] bytes = Http1Samples.Ascii("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n");
        var head = new HttpRequestHead(capacity);
        var limits = new HttpParserLimits { MaxHeaderCount = limit };

        if (accepted)
        {
            Assert.True(Http1Parser.TryParseRequest(bytes, head, limits));
            return;
        }
        var error = Assert.Throws<HttpParseException>(() => Http1Parser.TryParseRequest(bytes, head, limits));
        Assert.Equal(RequestRejectionReason.TooManyHeaders, error.Reason);
        Assert.Equal(431, error.StatusCode);
    }

    [Fact]
    public void TryParseRequest_PipelinedRequests_EachHeadEndsAtItsOwnEmptyLine()
    {
        byte[] batch = Http1Samples.PlaintextPipelined;
        int single = Http1Samples.PlaintextRequest.Length;
        var head = new HttpRequestHead();
        int offset = 0;
        for (int i = 0; i < Http1Samples.PlaintextPipelineDepth; i++)
        {
            head.Reset();
            Assert.True(Http1Parser.TryParseRequest(batch.AsSpan(offset), head, HttpParserLimits.Default));
            Assert.Equal(single, head.HeadLength);
            offset += head.HeadLength;
        }
        Assert.Equal(batch.Length, offset);
    }

    [Fact]
    public void TryParseRequest_WarmHead_AllocatesNothing()
    {
        byte[][] requests = [Http1Samples.CurlGet, Http1Samples.BrowserGet, Http1Samples.PlaintextRequest];
        var head = new HttpRequestHead();
        foreach (byte[] request in requests)
        {
            head.Reset();
            Http1Parser.TryParseRequest(request, head, HttpParserLimits.Default);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            foreach (byte[] request in requests)
            {
                head.Reset();
                Http1Parser.TryParseRequest(request, head, HttpParserLimits.Default);
            }
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    internal static int ExpectedStatus(RequestRejectionReason reason) => reason switch
    {
        RequestRejectionReason.RequestLineTooLong => 414,
        RequestRejectionReason.HeadersTooLarge or RequestRejectionReason.TooManyHeaders => 431,
        RequestRejectionReason.UnrecognizedHttpVersion => 505,
        _ => 400,
    };

    private static HttpRequestHead Parse(string raw) => Parse(Http1Samples.Ascii(raw));

    private static HttpRequestHead Parse(byte[] bytes)
    {
        var head = new HttpRequestHead();
        Assert.True(Http1Parser.TryParseRequest(bytes, head, HttpParserLimits.Default));
        head.Source = bytes;
        return head;
    }

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
