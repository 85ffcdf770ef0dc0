using Engine.Core.Configuration;
using Engine.Http.Logging;
using Engine.Http.Tests.Logging;
using Engine.TestSupport.Net;
using Microsoft.Extensions.Logging;

namespace Engine.Http.Tests.Proxy;

/// <summary>At debug level the proxy says where each request went, and which found no router; capped per second.</summary>
public sealed class RequestDebugLogTests
{
    [Fact]
    public async Task RoutedRequest_AtDebug_LogsEntrypointRouterServiceServerAndStatus()
    {
        await using var origin = ScriptedOrigin.Fixed();
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url], logLevel: LogLevel.Debug);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);

        string line = await WaitForEntryAsync(proxy.Log, "Debug 20:");
        Assert.Contains("on web routed by all to service origin, server ", line, StringComparison.Ordinal);
        Assert.Contains(new Uri(origin.Url).Authority, line, StringComparison.Ordinal);
        Assert.Contains(": 200 in ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnmatchedRequest_AtDebug_LogsNoRouterMatchedWithHostAndPath()
    {
        await using var origin = ScriptedOrigin.Fixed();
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            routers: [new RouterConfig("api", "Host(`api.test`)", "origin")],
            logLevel: LogLevel.Debug);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("GET /missing/page HTTP/1.1\r\nHost: other.test\r\n\r\n");
        Assert.Equal(404, (await client.Reader.ReadResponseAsync())!.Status);

        string line = await WaitForEntryAsync(proxy.Log, "Debug 21:");
        Assert.Equal("Debug 21: Request on web for host other.test path /missing/page: no router matched (404).", line);
        Assert.DoesNotContain(proxy.Log.Entries, e => e.StartsWith("Debug 20:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Requests_AtInformation_LogNoRequestLines()
    {
        await using var origin = ScriptedOrigin.Fixed();
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            routers: [new RouterConfig("api", "Host(`api.test`)", "origin")],
            logLevel: LogLevel.Information);
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("GET / HTTP/1.1\r\nHost: api.test\r\n\r\n");
        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: other.test\r\n\r\n");
        Assert.Equal(404, (await client.Reader.ReadResponseAsync())!.Status);
        await Task.Delay(100);

        Assert.Empty(proxy.Log.Entries);
    }

    [Fact]
    public async Task ManyRequestsInOneSecond_AreCappedAndTheNextSecondSaysHowManyWereSuppressed()
    {
        var clock = new SteppedClock();
        await using var origin = ScriptedOrigin.Fixed();
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url],
            routers: [new RouterConfig("api", "Host(`api.test`)", "origin")],
            logLevel: LogLevel.Debug,
            requestLogLimiter: new RequestLogLimiter(2, clock));
        await using InMemoryClient client = proxy.Connect();

        // 404s are logged before they are answered, so each line is in by the time its response is.
        for (int i = 0; i < 5; i++)
        {
            await client.SendAsync($"GET /{i} HTTP/1.1\r\nHost: other.test\r\n\r\n");
            Assert.Equal(404, (await client.Reader.ReadResponseAsync())!.Status);
        }
        clock.Advance(TimeSpan.FromSeconds(1));
        await client.SendAsync("GET /next HTTP/1.1\r\nHost: other.test\r\n\r\n");
        Assert.Equal(404, (await client.Reader.ReadResponseAsync())!.Status);

        Assert.Equal(
        [
            "Debug 21: Request on web for host other.test path /0: no router matched (404).",
            "Debug 21: Request on web for host other.test path /1: no router matched (404).",
            "Debug 22: Suppressed 3 request lines in the last second (at most 2 are logged a second).",
            "Debug 21: Request on web for host other.test path /next: no router matched (404).",
        ], proxy.Log.Entries);
    }

    /// <summary>The routed line is written in the logging phase, just after the response went out.</summary>
    private static async Task<string> WaitForEntryAsync(CapturingLogger log, string prefix)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            if (log.Entries.FirstOrDefault(e => e.StartsWith(prefix, StringComparison.Ordinal)) is { } entry)
            {
                return entry;
            }
            await Task.Delay(10, timeout.Token);
        }
    }
}
