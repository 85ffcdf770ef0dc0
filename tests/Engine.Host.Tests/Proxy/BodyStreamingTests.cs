using System.Text;
using Engine.Core.Buffers;
using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Proxy;

public sealed class BodyStreamingTests
{
    [Fact]
    public async Task ChunkedRequestBody_ReachesTheOriginReframed_WithTrailers()
    {
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            seen = exchange.Request;
            await exchange.RespondAsync(200, exchange.Request.BodyText);
        });
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);
        await using RawConnection client = await RawConnection.OpenAsync(proxy.EndPoint);

        await client.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal("hello world", response.BodyText);
        Assert.Equal("chunked", seen!.Header("Transfer-Encoding"));
        Assert.Null(seen.Header("Content-Length"));
    }

    [Fact]
    public async Task ChunkedResponse_IsRelayedChunked_ToAnHttp11Client()
    {
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            await exchange.Connection.WriteAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
            await Task.Delay(50);
            await exchange.Connection.WriteAsync("4;x=y\r\ndefg\r\n0\r\n\r\n");
        });
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);

        var (exit, stdout, stderr) = TestTools.Curl($"--raw -i {proxy.Url}/");

        Assert.True(exit == 0, stderr);
        Assert.Contains("Transfer-Encoding: chunked", stdout, StringComparison.Ordinal);
        Assert.EndsWith("3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkedBodiesBothWays_WithCurl_RoundTrip()
    {
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            byte[] body = exchange.Request.Body;
            await exchange.Connection.WriteAsync($"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{body.Length:x}\r\n");
            await exchange.Connection.Stream.WriteAsync(body);
            await exchange.Connection.WriteAsync("\r\n0\r\n\r\n");
        });
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);
        string file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, Enumerable.Range(0, 300_000).Select(i => (byte)(i % 251)).ToArray());
        try
        {
            var (exit, stdout, stderr) = TestTools.Curl($"-H \"Transfer-Encoding: chunked\" --data-binary @{file} {proxy.Url}/echo -o {file}.out");
            Assert.True(exit == 0, stderr);
            Assert.Equal(await File.ReadAllBytesAsync(file), await File.ReadAllBytesAsync(file + ".out"));
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".out");
        }
    }

    [Fact]
    public async Task LargeFileFromNginx_ArrivesIntact()
    {
        using NginxOrigin? nginx = NginxOrigin.TryStart(out string? skip, ("32m.bin", 32L << 20));
        Assert.True(nginx != null, skip);
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([nginx.Url]);
        string direct = Path.GetTempFileName();
        string proxied = Path.GetTempFileName();
        try
        {
            Assert.Equal(0, TestTools.Curl($"-o {direct} {nginx.Url}/32m.bin").ExitCode);
            Assert.Equal(0, TestTools.Curl($"-o {proxied} {proxy.Url}/32m.bin").ExitCode);
            Assert.Equal(32L << 20, new FileInfo(proxied).Length);
            Assert.Equal(await File.ReadAllBytesAsync(direct), await File.ReadAllBytesAsync(proxied));
        }
        finally
        {
            File.Delete(direct);
            File.Delete(proxied);
        }
    }

    [Fact]
    public async Task OneGibibyteUploadAndDownload_PassThroughInBoundedMemory()
    {
        const long size = 1L << 30;
        long received = 0;
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            if (exchange.Request.Method == "POST")
            {
                received = exchange.DiscardedBodyLength;
                await exchange.RespondAsync(200, received.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return;
            }
            await exchange.Connection.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n");
            var block = new byte[256 * 1024];
            for (long sent = 0; sent < size; sent += block.Length)
            {
                await exchange.Connection.Stream.WriteAsync(block);
            }
        }, discardBodies: true);
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([origin.Url]);
        long poolBefore = PinnedBlockMemoryPool.Shared.AllocatedBytes;

        // Download: count the bytes without keeping them.
        await using (RawConnection client = await RawConnection.OpenAsync(proxy.EndPoint))
        {
            await client.SendAsync("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            var sink = new CountingStream();
            RawMessage response = (await client.Reader.ReadResponseAsync(bodySink: sink))!;
            Assert.Equal(200, response.Status);
            Assert.Equal(size, sink.Count);
        }

        // Upload: stream 1 GiB from a generator; the origin counts the bytes.
        await using (RawConnection client = await RawConnection.OpenAsync(proxy.EndPoint))
        {
            await client.SendAsync($"POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\n\r\n");
            var block = new byte[256 * 1024];
            for (long sent = 0; sent < size; sent += block.Length)
            {
                await client.Stream.WriteAsync(block);
            }
            RawMessage response = (await client.Reader.ReadResponseAsync())!;
            Assert.Equal(size.ToString(System.Globalization.CultureInfo.InvariantCulture), response.BodyText);
        }

        // The proxy's buffers are its pipes' thresholds (64 KiB each way) per connection: the
        // pinned pool may grow by a few slabs, never by anything near the body size.
        long poolGrowth = PinnedBlockMemoryPool.Shared.AllocatedBytes - poolBefore;
        Assert.InRange(poolGrowth, 0, 8L << 20);
    }
}
