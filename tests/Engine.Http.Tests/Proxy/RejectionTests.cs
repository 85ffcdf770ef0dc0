using Engine.Http.Http1;
using Engine.TestSupport.Net;

namespace Engine.Http.Tests.Proxy;

/// <summary>Malformed and smuggling-prone requests end in one exact status, a closed connection and a counter.</summary>
public sealed class RejectionTests
{
    public static TheoryData<string, int, RequestRejectionReason> Cases => new()
    {
        { "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400, RequestRejectionReason.ContentLengthWithTransferEncoding },
        { "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", 400, RequestRejectionReason.DuplicateContentLength },
        { "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400, RequestRejectionReason.UnsupportedTransferEncoding },
        { "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n", 400, RequestRejectionReason.ObsoleteLineFolding },
        { "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, RequestRejectionReason.WhitespaceBeforeColon },
        { "GET / HTTP/1.1\r\nHost: x\rY\r\n\r\n", 400, RequestRejectionReason.BareCarriageReturn },
        { "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n", 400, RequestRejectionReason.InvalidHeaderValue },
        { "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400, RequestRejectionReason.InvalidMethod },
        { "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400, RequestRejectionReason.InvalidRequestLine },
        { "GET / HTTP/1.1\r\n\r\n", 400, RequestRejectionReason.MissingHost },
        { "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, RequestRejectionReason.InvalidChunkSize },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task InvalidRequest_IsRejectedWithItsStatus_ClosedAndCounted(string request, int status, RequestRejectionReason reason)
    {
        await using var origin = ScriptedOrigin.Fixed();
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync(request);
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(status, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await client.Reader.IsClosedAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, proxy.Metrics.Rejections(reason));
        if (reason != RequestRejectionReason.InvalidChunkSize)
        {
            Assert.Equal(0, origin.Requests);
        }
    }

    [Fact]
    public async Task LongRequestLine_Gets414()
    {
        await using var origin = ScriptedOrigin.Fixed();
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            entrypoint: e => e with { Limits = e.Limits with { MaxRequestLineSize = 1024 } });
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync($"GET /{new string('a', 2000)} HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(414, (await client.Reader.ReadResponseAsync())!.Status);
        Assert.Equal(1, proxy.Metrics.Rejections(RequestRejectionReason.RequestLineTooLong));
    }

    [Fact]
    public async Task OversizedHeaderSection_Gets431()
    {
        await using var origin = ScriptedOrigin.Fixed();
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            entrypoint: e => e with { Limits = e.Limits with { MaxRequestHeadSize = 4096 } });
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync($"GET / HTTP/1.1\r\nHost: x\r\nX-Big: {new string('b', 8000)}\r\n\r\n");

        Assert.Equal(431, (await client.Reader.ReadResponseAsync())!.Status);
        Assert.Equal(1, proxy.Metrics.Rejections(RequestRejectionReason.HeadersTooLarge));
    }

    [Fact]
    public async Task TooManyHeaders_Gets431()
    {
        await using var origin = ScriptedOrigin.Fixed();
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            entrypoint: e => e with { Limits = e.Limits with { MaxRequestHeaderCount = 10 } });
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"X-{i}: v\r\n")) + "\r\n");

        Assert.Equal(431, (await client.Reader.ReadResponseAsync())!.Status);
        Assert.Equal(1, proxy.Metrics.Rejections(RequestRejectionReason.TooManyHeaders));
    }

    [Fact]
    public async Task BodyOverTheLimit_Gets413_ByContentLengthAndWhileChunked()
    {
        await using var origin = new ScriptedOrigin(exchange => exchange.RespondAsync(200, "ok"));
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            entrypoint: e => e with { Limits = e.Limits with { MaxRequestBodySize = 10 } });

        await using (InMemoryClient client = proxy.Connect())
        {
            await client.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world");
            Assert.Equal(413, (await client.Reader.ReadResponseAsync())!.Status);
        }
        await using (InMemoryClient client = proxy.Connect())
        {
            await client.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n");
            Assert.Equal(413, (await client.Reader.ReadResponseAsync())!.Status);
        }
        Assert.Equal(2, proxy.Metrics.Rejections(RequestRejectionReason.BodyTooLarge));
    }
}
