using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Proxy;

public sealed class DrainTests
{
    [Fact]
    public async Task Stop_LetsAnInFlightRequestFinish_ClosesIdleConnections_AndStopsAccepting()
    {
        var requestArrived = new TaskCompletionSource();
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            if (exchange.Request.Target == "/slow")
            {
                requestArrived.TrySetResult();
                await Task.Delay(700);
            }
            await exchange.RespondAsync(200, "done");
        });
        ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);
        await using RawConnection idle = await RawConnection.OpenAsync(proxy.EndPoint);
        await idle.SendAsync("GET /warm HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await idle.Reader.ReadResponseAsync())!.Status);
        await using RawConnection busy = await RawConnection.OpenAsync(proxy.EndPoint);
        await busy.SendAsync("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        await requestArrived.Task.WaitAsync(TimeSpan.FromSeconds(5));

        Task stopping = proxy.Gateway.StopAsync();

        Assert.True(await idle.Reader.IsClosedAsync(TimeSpan.FromSeconds(2)));
        RawMessage response = (await busy.Reader.ReadResponseAsync())!;
        Assert.Equal("done", response.BodyText);
        Assert.Equal("close", response.Header("Connection"));
        await stopping.WaitAsync(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => RawConnection.OpenAsync(proxy.EndPoint));
        Assert.Equal(GatewayState.Stopped, proxy.Gateway.State);
    }
}
