using System.Text.Json;
using Engine.Core.Configuration;
using Engine.Host.Admin;
using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Admin;

public sealed class AdminEndpointTests
{
    private const string Json = "application/json; charset=utf-8";

    [Fact]
    public async Task Health_AnswersJsonWithStateVersionReloadAndEntrypoints()
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync("GET", "/api/gateway/health");

        Assert.Equal(200, response.Status);
        Assert.Equal(Json, response.Header("Content-Type"));
        Assert.Equal("no-store", response.Header("Cache-Control"));
        JsonElement health = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal("running", health.GetProperty("state").GetString());
        Assert.Equal("1m30s", health.GetProperty("uptime").GetString());
        Assert.Equal(1, health.GetProperty("snapshot_version").GetInt64());
        JsonElement lastReload = health.GetProperty("last_reload");
        Assert.Equal("2025-01-02T03:04:05+00:00", lastReload.GetProperty("at").GetString());
        Assert.Equal("file", lastReload.GetProperty("source").GetString());
        Assert.False(lastReload.GetProperty("succeeded").GetBoolean());
        Assert.Equal("gateway.toml:3:1: routers.app.service: no service named 'ap'; did you mean 'app'?", lastReload.GetProperty("errors")[0].GetString());
        JsonElement lastSuccess = health.GetProperty("last_successful_reload");
        Assert.Equal("2025-01-02T03:00:00+00:00", lastSuccess.GetProperty("at").GetString());
        Assert.Equal("signal", lastSuccess.GetProperty("source").GetString());
        Assert.Equal(3, health.GetProperty("entrypoints")[0].GetProperty("open_connections").GetInt32());
        Assert.Equal(42, health.GetProperty("requests").GetInt64());
        Assert.Equal(1, health.GetProperty("rejected_requests").GetInt64());
        Assert.Equal(2, health.GetProperty("upstream_errors").GetInt64());
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/api/gateway/metrics")]
    public async Task Metrics_OnEitherPath_AnswerPrometheusText(string path)
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync("GET", path);

        Assert.Equal(200, response.Status);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal("# TYPE engine_requests_total counter\nengine_requests_total 42\n", response.BodyText);
    }

    [Fact]
    public async Task Config_Get_AnswersTheRunningConfigWithTheTokenRedacted()
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync("GET", "/api/gateway/config");

        Assert.Equal(200, response.Status);
        Assert.Equal(Json, response.Header("Content-Type"));
        Assert.DoesNotContain(AdminHarness.Token, response.BodyText, StringComparison.Ordinal);
        Assert.True(AdminJson.TryReadConfig(response.Body, out GatewayConfig? config, out string? error), error);
        Assert.Equal("***redacted***", config.Admin!.Token);
        Assert.Equal(["web", "internal"], config.Entrypoints.Select(e => e.Name));
    }

    [Fact]
    public async Task Routes_ListEveryEntrypoint_WithRoutersInEvaluationOrderAndTheTableText()
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync("GET", "/api/gateway/routes");

        Assert.Equal(200, response.Status);
        Assert.Equal(Json, response.Header("Content-Type"));
        JsonElement entrypoints = JsonDocument.Parse(response.Body).RootElement.GetProperty("entrypoints");
        Assert.Equal(2, entrypoints.GetArrayLength());
        Assert.Equal("web", entrypoints[0].GetProperty("name").GetString());
        Assert.Equal(["api", "site"], entrypoints[0].GetProperty("routers").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("web: api > site\n", entrypoints[0].GetProperty("description").GetString());
        Assert.Equal(["site"], entrypoints[1].GetProperty("routers").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Routes_EntrypointQuery_AnswersOnlyThatEntrypoint()
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync("GET", "/api/gateway/routes?entrypoint=internal");

        JsonElement entrypoints = JsonDocument.Parse(response.Body).RootElement.GetProperty("entrypoints");
        Assert.Equal(200, response.Status);
        Assert.Equal("internal", Assert.Single(entrypoints.EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Routes_UnknownEntrypoint_Is404WithASuggestion()
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync("GET", "/api/gateway/routes?entrypoint=wbe");

        Assert.Equal(404, response.Status);
        Assert.Equal("no entrypoint named 'wbe'; did you mean 'web'?", Errors(response).Single());
    }

    [Fact]
    public async Task Put_ValidConfig_IsHandedToTheBackendAndAnswersTheNewSnapshotVersion()
    {
        await using var admin = AdminHarness.Start();
        GatewayConfig next = FakeAdminBackend.DefaultConfig() with { DrainTimeout = TimeSpan.FromSeconds(5) };

        RawMessage response = await admin.SendAsync("PUT", "/api/gateway/config", AdminJson.SerializeConfig(next));

        Assert.Equal(200, response.Status);
        Assert.Equal(Json, response.Header("Content-Type"));
        JsonElement body = JsonDocument.Parse(response.Body).RootElement;
        Assert.True(body.GetProperty("applied").GetBoolean());
        Assert.Equal(2, body.GetProperty("snapshot_version").GetInt64());
        Assert.Equal(TimeSpan.FromSeconds(5), Assert.Single(admin.Backend.Received).DrainTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), admin.Backend.CurrentConfig.DrainTimeout);
    }

    [Fact]
    public async Task Put_MalformedJson_Is400NamingTheLineAndByte_AndReachesNoBackend()
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync("PUT", "/api/gateway/config", "{\n  \"entrypoints\": [\n    {\"name\": \"web\",, }\n  ]\n}");

        Assert.Equal(400, response.Status);
        Assert.Equal(Json, response.Header("Content-Type"));
        Assert.StartsWith("line 3, byte 20 ($.entrypoints[0]): ',' is an invalid start of a property name.", Errors(response).Single(), StringComparison.Ordinal);
        Assert.Empty(admin.Backend.Received);
    }

    [Fact]
    public async Task Put_InvalidConfig_Is400WithEveryErrorTheBackendFound()
    {
        await using var admin = AdminHarness.Start();
        GatewayConfig invalid = FakeAdminBackend.DefaultConfig() with
        {
            Routers = [new RouterConfig("r", "PathPrefix(`/`)", "apj")],
            Entrypoints = [new EntrypointConfig("web", "nowhere")],
        };

        RawMessage response = await admin.SendAsync("PUT", "/api/gateway/config", AdminJson.SerializeConfig(invalid));

        Assert.Equal(400, response.Status);
        string[] errors = Errors(response);
        Assert.Contains(errors, e => e.StartsWith("entrypoints.web.address: ", StringComparison.Ordinal));
        Assert.Contains("routers.r.service: no service named 'apj'; did you mean 'api'?", errors);
        Assert.Single(admin.Backend.Received);
        Assert.Equal(2, admin.Backend.CurrentConfig.Entrypoints.Count);
    }

    [Fact]
    public async Task Put_ConfigStillCarryingTheRedactedToken_KeepsTheCurrentToken()
    {
        await using var admin = AdminHarness.Start();
        string edited = (await admin.SendAsync("GET", "/api/gateway/config")).BodyText.Replace("\"drain_timeout\": \"30s\"", "\"drain_timeout\": \"31s\"", StringComparison.Ordinal);

        RawMessage response = await admin.SendAsync("PUT", "/api/gateway/config", edited);

        Assert.Equal(200, response.Status);
        Assert.Equal(TimeSpan.FromSeconds(31), admin.Backend.CurrentConfig.DrainTimeout);
        Assert.Equal(AdminHarness.Token, admin.Backend.CurrentConfig.Admin!.Token);
    }

    [Fact]
    public async Task Healthz_Is200Ok_WithoutAToken()
    {
        await using var admin = AdminHarness.Start();

        RawMessage response = await admin.SendAsync("GET", "/healthz", authorize: false);

        Assert.Equal(200, response.Status);
        Assert.Equal("text/plain; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal("ok\n", response.BodyText);
    }

    [Fact]
    public async Task Readyz_Is503UntilTheBackendIsReady_Then200()
    {
        await using var admin = AdminHarness.Start();
        admin.Backend.IsReady = false;

        RawMessage before = await admin.SendAsync("GET", "/readyz", authorize: false);
        admin.Backend.IsReady = true;
        RawMessage after = await admin.SendAsync("GET", "/readyz", authorize: false);

        Assert.Equal(503, before.Status);
        Assert.Equal("not ready\n", before.BodyText);
        Assert.Equal(200, after.Status);
        Assert.Equal("ready\n", after.BodyText);
    }

    [Fact]
    public async Task Head_AnswersTheFieldsOfGet_WithoutTheBody()
    {
        await using var admin = AdminHarness.Start();
        await using RawConnection client = await RawConnection.OpenAsync(admin.EndPoint);

        await client.SendAsync(AdminHarness.Request("HEAD", "/healthz") + AdminHarness.Request("GET", "/healthz"));
        RawMessage head = (await client.Reader.ReadResponseAsync(noBody: true))!;
        RawMessage get = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(200, head.Status);
        Assert.Equal("3", head.Header("Content-Length"));
        Assert.Equal("ok\n", get.BodyText);
    }

    [Fact]
    public async Task BackendFailure_Is500WithTheMessage_AndTheServerKeepsServing()
    {
        await using var admin = AdminHarness.Start();
        admin.Backend.Failure = new InvalidOperationException("snapshot missing");

        RawMessage failed = await admin.SendAsync("GET", "/api/gateway/health");
        admin.Backend.Failure = null;
        RawMessage next = await admin.SendAsync("GET", "/api/gateway/health");

        Assert.Equal(500, failed.Status);
        Assert.Equal("internal error: snapshot missing", Errors(failed).Single());
        Assert.Equal(200, next.Status);
    }

    internal static string[] Errors(RawMessage response) =>
        [.. JsonDocument.Parse(response.Body).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!)];
}
