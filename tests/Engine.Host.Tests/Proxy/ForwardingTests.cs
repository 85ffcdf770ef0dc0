using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Proxy;

/// <summary>
/// Forwarding with real peers on both sides (curl, nginx). The forwarding tests that only look at
/// the downstream bytes run on the in-memory transport: Engine.Http.Tests/Proxy/ForwardingTests.
/// </summary>
public sealed class ForwardingTests
{
    [Fact]
    public async Task Get_ThroughProxyToNginx_ReturnsOriginBodyToCurl()
    {
        using NginxOrigin? nginx = NginxOrigin.TryStart(out string? skip);
        Assert.True(nginx != null, skip);
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([nginx.Url]);

        var (exit, stdout, stderr) = TestTools.Curl($"-i {proxy.Url}/");

        Assert.True(exit == 0, stderr);
        Assert.StartsWith("HTTP/1.1 200", stdout, StringComparison.Ordinal);
        Assert.EndsWith("hello world\n", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarding_StripsHopByHopHeaders_AndAddsForwardedHeaders()
    {
        using NginxOrigin? nginx = NginxOrigin.TryStart(out string? skip);
        Assert.True(nginx != null, skip);
        await using ProxyHarness proxy = await ProxyHarness.StartAsync([nginx.Url]);

        var (exit, stdout, stderr) = TestTools.Curl(
            $"-H \"Connection: keep-alive, X-Custom\" -H \"X-Custom: secret\" -H \"TE: trailers\" -H \"X-Forwarded-For: 10.0.0.1\" -H \"X-Forwarded-Proto: https\" {proxy.Url}/headers");

        Assert.True(exit == 0, stderr);
        Assert.Equal($"xff=10.0.0.1, 127.0.0.1 proto=http host={proxy.EndPoint} port={proxy.EndPoint.Port} conn= te= custom=\n", stdout);
    }
}
