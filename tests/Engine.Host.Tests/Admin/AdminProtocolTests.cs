using System.Text;
using Engine.Host.Admin;
using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Admin;

public sealed class AdminProtocolTests
{
    [Fact]
    public async Task Token_Missing_Is401WithABearerChallenge()
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync("GET", "/api/gateway/health", authorize: false);

        Assert.Equal(401, response.Status);
        Assert.Equal("Bearer realm=\"engine-admin\"", response.Header("WWW-Authenticate"));
        Assert.Contains("Authorization: Bearer <token>", AdminEndpointTests.Errors(response).Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer t0ken1")]
    [InlineData("Bearer t0ke")]
    [InlineData("Basic dDBrZW4=")]
    [InlineData("Bearer")]
    public async Task Token_Wrong_Is401(string authorization)
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync("GET", "/api/gateway/config", null, false, $"Authorization: {authorization}");

        Assert.Equal(401, response.Status);
        Assert.NotNull(response.Header("WWW-Authenticate"));
    }

    [Theory]
    [InlineData("Bearer t0ken")]
    [InlineData("bearer t0ken")]
    [InlineData("BEARER   t0ken")]
    public async Task Token_Right_IsAccepted_WhateverTheSchemeCase(string authorization)
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync("GET", "/api/gateway/health", null, false, $"Authorization: {authorization}");

        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task Token_Required_EvenToLearnThatAPathDoesNotExist()
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync("GET", "/api/gateway/secrets", authorize: false);

        Assert.Equal(401, response.Status);
    }

    [Fact]
    public async Task NoTokenConfigured_EveryRequestIsServed()
    {
        await using var admin = AdminHarness.Start(token: null);

        RawMessage response = await admin.SendAsync("GET", "/api/gateway/health", authorize: false);

        Assert.Equal(200, response.Status);
    }

    [Theory]
    [InlineData("POST", "/api/gateway/config", "GET, HEAD, PUT")]
    [InlineData("DELETE", "/api/gateway/health", "GET, HEAD")]
    [InlineData("PUT", "/metrics", "GET, HEAD")]
    [InlineData("OPTIONS", "/readyz", "GET, HEAD")]
    public async Task WrongMethod_Is405WithAllow(string method, string path, string allow)
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync(method, path);

        Assert.Equal(405, response.Status);
        Assert.Equal(allow, response.Header("Allow"));
        Assert.Equal("application/json; charset=utf-8", response.Header("Content-Type"));
    }

    [Fact]
    public async Task UnknownPath_Is404Json_ListingTheEndpoints()
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync("GET", "/api/gateway/healthz");

        Assert.Equal(404, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.Header("Content-Type"));
        Assert.Contains("/api/gateway/health,", AdminEndpointTests.Errors(response).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413BeforeTheBodyIsSent_AndCloses()
    {
        await using var admin = AdminHarness.Start(options: new AdminServerOptions { MaxRequestBodySize = 1000 });
        await using RawConnection client = await RawConnection.OpenAsync(admin.EndPoint);

        await client.SendAsync("PUT /api/gateway/config HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer t0ken\r\nContent-Length: 1001\r\n\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(413, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.Empty(admin.Backend.Received);
        Assert.True(await client.Reader.IsClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task DefaultBodyLimit_Is8MiB()
    {
        await using var admin = AdminHarness.Start();
        await using RawConnection client = await RawConnection.OpenAsync(admin.EndPoint);

        await client.SendAsync($"PUT /api/gateway/config HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer t0ken\r\nContent-Length: {(8 << 20) + 1}\r\n\r\n");

        Assert.Equal(413, (await client.Reader.ReadResponseAsync())!.Status);
    }

    [Fact]
    public async Task ChunkedBody_Is411()
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync("PUT", "/api/gateway/config", null, true, "Transfer-Encoding: chunked");

        Assert.Equal(411, response.Status);
    }

    [Fact]
    public async Task HeadOverTheLimit_Is431()
    {
        await using var admin = AdminHarness.Start(options: new AdminServerOptions { MaxRequestHeadSize = 1024 });

        RawMessage response = await admin.SendAsync("GET", "/healthz", null, false, "X-Pad: " + new string('a', 1100));

        Assert.Equal(431, response.Status);
    }

    [Fact]
    public async Task InvalidRequest_Is400AndCloses()
    {
        await using var admin = AdminHarness.Start();
        await using RawConnection client = await RawConnection.OpenAsync(admin.EndPoint);

        await client.SendAsync("GET /healthz HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(400, response.Status);
        Assert.True(await client.Reader.IsClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task KeepAlive_TwoRequestsOnOneConnection_AreBothAnswered()
    {
        await using var admin = AdminHarness.Start();
        await using RawConnection client = await RawConnection.OpenAsync(admin.EndPoint);

        await client.SendAsync(AdminHarness.Request("GET", "/api/gateway/health"));
        RawMessage first = (await client.Reader.ReadResponseAsync())!;
        await client.SendAsync(AdminHarness.Request("PUT", "/api/gateway/config", AdminJson.SerializeConfig(FakeAdminBackend.DefaultConfig())));
        RawMessage second = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(200, first.Status);
        Assert.Null(first.Header("Connection"));
        Assert.Equal(200, second.Status);
        Assert.Single(admin.Backend.Received);
    }

    [Fact]
    public async Task Pipelining_ThreeRequestsInOneWrite_AreAnsweredInOrder()
    {
        await using var admin = AdminHarness.Start();
        await using RawConnection client = await RawConnection.OpenAsync(admin.EndPoint);

        await client.SendAsync(AdminHarness.Request("GET", "/healthz") + AdminHarness.Request("GET", "/nope") + AdminHarness.Request("GET", "/readyz", null, true, "Connection: close"));

        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);
        Assert.Equal(404, (await client.Reader.ReadResponseAsync())!.Status);
        RawMessage last = (await client.Reader.ReadResponseAsync())!;
        Assert.Equal("ready\n", last.BodyText);
        Assert.Equal("close", last.Header("Connection"));
        Assert.True(await client.Reader.IsClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task ExpectContinue_Gets100_ThenTheBodyIsReadAndApplied()
    {
        await using var admin = AdminHarness.Start();
        await using RawConnection client = await RawConnection.OpenAsync(admin.EndPoint);
        byte[] body = Encoding.UTF8.GetBytes(AdminJson.SerializeConfig(FakeAdminBackend.DefaultConfig()));

        await client.SendAsync($"PUT /api/gateway/config HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer t0ken\r\nExpect: 100-continue\r\nContent-Length: {body.Length}\r\n\r\n");
        RawMessage interim = (await client.Reader.ReadResponseAsync())!;
        await client.SendAsync(body);
        RawMessage final = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(100, interim.Status);
        Assert.Equal(200, final.Status);
    }

    [Fact]
    public async Task HalfSentHead_PastTheHeaderTimeout_Gets408AndClose()
    {
        await using var admin = AdminHarness.Start(options: new AdminServerOptions { RequestHeaderTimeout = TimeSpan.FromMilliseconds(300) });
        await using RawConnection client = await RawConnection.OpenAsync(admin.EndPoint);

        await client.SendAsync("GET /healthz HTTP/1.1\r\nHost: a\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(408, response.Status);
        Assert.True(await client.Reader.IsClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task IdleKeepAliveConnection_IsClosedSilentlyAfterTheHeaderTimeout()
    {
        await using var admin = AdminHarness.Start(options: new AdminServerOptions { RequestHeaderTimeout = TimeSpan.FromMilliseconds(300) });
        await using RawConnection client = await RawConnection.OpenAsync(admin.EndPoint);

        await client.SendAsync(AdminHarness.Request("GET", "/healthz"));
        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);

        Assert.Null(await client.Reader.ReadResponseAsync());
    }

    [Fact]
    public async Task StalledBody_PastTheBodyTimeout_ClosesWithoutApplying()
    {
        await using var admin = AdminHarness.Start(options: new AdminServerOptions { BodyIdleTimeout = TimeSpan.FromMilliseconds(300) });
        await using RawConnection client = await RawConnection.OpenAsync(admin.EndPoint);

        await client.SendAsync("PUT /api/gateway/config HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer t0ken\r\nContent-Length: 100\r\n\r\n{");

        Assert.True(await client.Reader.IsClosedAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(admin.Backend.Received);
    }

    [Fact]
    public async Task ConnectionOverTheLimit_Gets503AndClose_WhileTheOthersAreServed()
    {
        await using var admin = AdminHarness.Start(options: new AdminServerOptions { MaxConnections = 2 });
        await using RawConnection first = await RawConnection.OpenAsync(admin.EndPoint);
        await using RawConnection second = await RawConnection.OpenAsync(admin.EndPoint);
        await first.SendAsync(AdminHarness.Request("GET", "/healthz"));
        Assert.Equal(200, (await first.Reader.ReadResponseAsync())!.Status);
        await second.SendAsync(AdminHarness.Request("GET", "/healthz"));
        Assert.Equal(200, (await second.Reader.ReadResponseAsync())!.Status);

        await using RawConnection third = await RawConnection.OpenAsync(admin.EndPoint);
        RawMessage refused = (await third.Reader.ReadResponseAsync())!;

        Assert.Equal(503, refused.Status);
        Assert.Equal("close", refused.Header("Connection"));
        await first.SendAsync(AdminHarness.Request("GET", "/healthz"));
        Assert.Equal(200, (await first.Reader.ReadResponseAsync())!.Status);
    }

    [Fact]
    public async Task Stop_ClosesIdleConnections_AndLetsAnApplyInProgressFinish()
    {
        var gate = new TaskCompletionSource();
        var admin = AdminHarness.Start(backend: new FakeAdminBackend { ApplyGate = gate.Task });
        await using RawConnection idle = await RawConnection.OpenAsync(admin.EndPoint);
        await using RawConnection busy = await RawConnection.OpenAsync(admin.EndPoint);
        await busy.SendAsync(AdminHarness.Request("PUT", "/api/gateway/config", AdminJson.SerializeConfig(FakeAdminBackend.DefaultConfig())));
        while (admin.Backend.Received.Count == 0)
        {
            await Task.Delay(10);
        }

        Task stop = admin.Server.StopAsync();
        Assert.True(await idle.Reader.IsClosedAsync(TimeSpan.FromSeconds(5)));
        Assert.False(stop.IsCompleted);
        gate.SetResult();
        await stop.WaitAsync(TimeSpan.FromSeconds(5));

        RawMessage answer = (await busy.Reader.ReadResponseAsync())!;
        Assert.Equal(200, answer.Status);
        Assert.Equal("close", answer.Header("Connection"));
    }
}
