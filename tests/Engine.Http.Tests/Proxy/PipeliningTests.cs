using System.Text;
using Engine.TestSupport.Net;

namespace Engine.Http.Tests.Proxy;

/// <summary>
/// Requests pipelined behind a request body, every framing: the next request is read from the
/// bytes that follow the body, at once, without waiting for the client to send more.
/// </summary>
public sealed class PipeliningTests
{
    public static TheoryData<string, string> BodiesThenGet() => new()
    {
        { "chunked", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" },
        { "chunked in two chunks", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n" },
        { "chunked with trailers", "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n" },
        { "content-length", "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" },
    };

    [Theory]
    [MemberData(nameof(BodiesThenGet))]
    public async Task RequestPipelinedBehindABody_InTheSamePacket_IsAnsweredAtOnce(string framing, string post)
    {
        _ = framing;
        await using var origin = new ScriptedOrigin(exchange => exchange.RespondAsync(200, exchange.Request.StartLine + "|" + exchange.Request.BodyText));
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect(timeout: TimeSpan.FromSeconds(5));

        await client.SendAsync(post + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal("POST /a HTTP/1.1|hello", (await client.Reader.ReadResponseAsync())!.BodyText);
        Assert.Equal("GET /b HTTP/1.1|", (await client.Reader.ReadResponseAsync())!.BodyText);
    }

    [Theory]
    [MemberData(nameof(BodiesThenGet))]
    public async Task RequestPipelinedBehindABody_FollowedByAnEmptyLine_KeepsTheConnectionWorking(string framing, string post)
    {
        _ = framing;
        await using var origin = new ScriptedOrigin(exchange => exchange.RespondAsync(200, exchange.Request.StartLine));
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect(timeout: TimeSpan.FromSeconds(5));

        await client.SendAsync(post + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n\r\n");
        Assert.Equal("POST /a HTTP/1.1", (await client.Reader.ReadResponseAsync())!.BodyText);
        Assert.Equal("GET /b HTTP/1.1", (await client.Reader.ReadResponseAsync())!.BodyText);

        await client.SendAsync("GET /c HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("GET /c HTTP/1.1", (await client.Reader.ReadResponseAsync())!.BodyText);
        Assert.Empty(proxy.Log.Entries);
    }

    [Fact]
    public async Task ManyBodiesAndGets_InOnePacket_AreEachForwardedOnceInOrder()
    {
        var seen = new List<string>();
        await using var origin = new ScriptedOrigin(exchange =>
        {
            lock (seen)
            {
                seen.Add(exchange.Request.StartLine + "|" + exchange.Request.BodyText);
            }
            return exchange.RespondAsync(200, "ok");
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect(timeout: TimeSpan.FromSeconds(5));

        var batch = new StringBuilder();
        var expected = new List<string>();
        for (int i = 0; i < 10; i++)
        {
            batch.Append($"POST /c{i} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{i}\r\n0\r\n\r\n");
            batch.Append($"GET /g{i} HTTP/1.1\r\nHost: x\r\n\r\n");
            expected.Add($"POST /c{i} HTTP/1.1|{i}");
            expected.Add($"GET /g{i} HTTP/1.1|");
        }
        await client.SendAsync(batch.ToString());
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);
        }

        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task EmptyLineBeforeARequest_SplitBetweenItsCrAndLf_IsIgnored()
    {
        await using var origin = new ScriptedOrigin(exchange => exchange.RespondAsync(200, exchange.Request.StartLine));
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);
        await using InMemoryClient client = proxy.Connect(timeout: TimeSpan.FromSeconds(5));

        // Found by the http1-stream fuzz target: the lone CR was taken for the start of a request.
        await client.SendAsync("\r");
        await Task.Delay(50);
        await client.SendAsync("\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal("GET /after HTTP/1.1", (await client.Reader.ReadResponseAsync())!.BodyText);
    }
}
