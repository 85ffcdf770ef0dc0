using System.Text;
using Engine.Core.LoadBalancing;

namespace Engine.Core.Tests.LoadBalancing;

public class RequestCookiesTests
{
    [Theory]
    [InlineData("srv=abc", "abc")]
    [InlineData("a=1; srv=abc; b=2", "abc")]
    [InlineData("a=1;srv=abc;b=2", "abc")]
    [InlineData("  srv  =  abc  ", "abc")]
    [InlineData("a=1;\tsrv=abc\t", "abc")]
    [InlineData("srv=\"abc\"", "abc")]
    [InlineData("srv=\"\"", "")]
    [InlineData("srv=\"", "\"")]
    [InlineData("srv=", "")]
    [InlineData("srv=a=b=c", "a=b=c")]
    [InlineData("srv=first; srv=second", "first")]
    [InlineData("xsrv=1; srv_x=2; srv=3", "3")]
    [InlineData("srv2=1; srv=2", "2")]
    [InlineData("novalue; srv=ok", "ok")]
    [InlineData(";;; srv=ok;", "ok")]
    [InlineData("=x; srv=ok", "ok")]
    [InlineData("a=srv; srv=ok", "ok")]
    [InlineData("a=srv=x; srvsrv=no; srv=ok", "ok")]
    [InlineData("a=1;  \t srv \t = \t ok \t ; b", "ok")]
    public void TryGetValue_Cookie_FindsValue(string header, string expected)
    {
        Assert.True(RequestCookies.TryGetValue(Encoding.ASCII.GetBytes(header), "srv"u8, out ReadOnlySpan<byte> value));
        Assert.Equal(expected, Encoding.ASCII.GetString(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData(";")]
    [InlineData("srv")]
    [InlineData("SRV=1")]
    [InlineData("Srv=1")]
    [InlineData("xsrv=1")]
    [InlineData("srvx=1")]
    [InlineData("s rv=1")]
    [InlineData("a=srv=1")]
    [InlineData("a=1, srv=2")]
    public void TryGetValue_Cookie_ReportsAbsentCookie(string header)
    {
        Assert.False(RequestCookies.TryGetValue(Encoding.ASCII.GetBytes(header), "srv"u8, out ReadOnlySpan<byte> value));
        Assert.True(value.IsEmpty);
    }

    [Fact]
    public void TryGetValue_Cookie_FindsLastOfManyCookies()
    {
        string header = string.Join("; ", Enumerable.Range(0, 60).Select(i => $"_ga_srv{i}=GS1.1.{i}srv=.{i}")) + "; srv=wanted";

        Assert.True(RequestCookies.TryGetValue(Encoding.ASCII.GetBytes(header), "srv"u8, out ReadOnlySpan<byte> value));
        Assert.Equal("wanted", Encoding.ASCII.GetString(value));
    }

    [Fact]
    public void TryGetValue_Request_SearchesEveryCookieFieldInOrder()
    {
        var request = new TestRouteInput(
            null,
            ("Accept", "srv=not-a-cookie"),
            ("cookie", "a=1"),
            ("COOKIE", "srv=from-second"),
            ("Cookie", "srv=from-third"));

        Assert.True(RequestCookies.TryGetValue(request, "srv"u8, out ReadOnlySpan<byte> value));
        Assert.Equal("from-second", Encoding.ASCII.GetString(value));
    }

    [Fact]
    public void TryGetValue_Request_IgnoresHeadersNamedLikeCookie()
    {
        var request = new TestRouteInput(null, ("Cookie2", "srv=1"), ("Set-Cookie", "srv=2"), ("X-Cookie", "srv=3"));

        Assert.False(RequestCookies.TryGetValue(request, "srv"u8, out _));
    }

    [Fact]
    public void TryGetValue_Request_ReturnsSliceOfHeaderBytesWithoutCopying()
    {
        var request = TestRouteInput.WithCookie("a=1; srv=abc");

        Assert.True(RequestCookies.TryGetValue(request, "srv"u8, out ReadOnlySpan<byte> value));
        Assert.True(request.GetHeaderValue(0).Overlaps(value, out int offset));
        Assert.Equal(9, offset);
    }
}
