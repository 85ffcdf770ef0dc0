using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Proxy;

/// <summary>
/// Upstream failures the client causes with a real TCP reset (the kernel's RST, the socket's
/// receive loop seeing it). The others only look at the downstream bytes and run on the in-memory
/// transport: Engine.Http.Tests/Proxy/UpstreamFailureTests.
/// </summary>
public sealed class UpstreamFailureTests
{
    private static async Task<RawMessage> GetAsync(ProxyHarness proxy, string target = "/")
    {
        await using RawConnection client = await RawConnection.OpenAsync(proxy.EndPoint);
        await client.SendAsync($"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n");
        return (await client.Reader.ReadResponseAsync())!;
    }

    [Fact]
    public async Task ClientDisconnectMidResponse_AbortsTheUpstreamExchange_AndTheConnectionIsNotReused()
    {
        var firstClosed = new TaskCompletionSource();
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            if (exchange.Connection.Number == 1)
            {
                await exchange.Connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n");
                var chunk = new byte[64 * 1024];
                try
                {
                    for (int i = 0; i < 2000; i++)
                    {
                        await exchange.Connection.Stream.WriteAsync(chunk);
                    }
                }
                catch (IOException)
                {
                    firstClosed.TrySetResult();
                }
                return;
            }
            await exchange.RespondAsync(200, "second");
        });
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);

        await using (RawConnection client = await RawConnection.OpenAsync(proxy.EndPoint))
        {
            await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 200", await client.Reader.ReadLineAsync(), StringComparison.Ordinal);
            client.Reset();
        }

        await firstClosed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        RawMessage next = await GetAsync(proxy);
        Assert.Equal("second", next.BodyText);
        Assert.Equal(2, origin.Connections);
        Assert.True(proxy.Metrics.ClientAborts >= 1);
    }

    [Fact]
    public async Task ClientResetWhileWaitingForResponseHead_AbortsTheUpstreamConnection()
    {
        var requestArrived = new TaskCompletionSource();
        var upstreamClosed = new TaskCompletionSource();
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            requestArrived.TrySetResult();
            // Never answer; notice when the proxy gives up on this connection.
            if (await exchange.Connection.Reader.IsClosedAsync(TimeSpan.FromSeconds(10)))
            {
                upstreamClosed.TrySetResult();
            }
        });
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);

        RawConnection client = await RawConnection.OpenAsync(proxy.EndPoint);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        // Reset only once the exchange exists: a reset that overtakes the request would discard
        // it in the kernel, and there would be no upstream exchange to abort.
        await requestArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        client.Reset();

        await upstreamClosed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
