using System.Text;
using System.Text.Json;
using Engine.Host.Admin;
using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Admin;

/// <summary>curl as a real client: its framing, its Expect handling, its idea of a bearer token.</summary>
public sealed class AdminCurlTests
{
    [Fact]
    public async Task Curl_GetHealth_WithTheToken_ReceivesJson()
    {
        Assert.True(TestTools.EnsurePackage("curl", "/usr/bin/curl") == null, "curl is required");
        await using var admin = AdminHarness.Start();

        var (exit, stdout, stderr) = TestTools.Curl($"--oauth2-bearer {AdminHarness.Token} {admin.Url}/api/gateway/health");

        Assert.True(exit == 0, stderr);
        Assert.Equal("running", JsonDocument.Parse(stdout).RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Curl_PutConfigFromAFile_IsApplied()
    {
        Assert.True(TestTools.EnsurePackage("curl", "/usr/bin/curl") == null, "curl is required");
        await using var admin = AdminHarness.Start();
        string file = Path.Combine(Path.GetTempPath(), $"admin-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, AdminJson.SerializeConfig(FakeAdminBackend.DefaultConfig() with { DrainTimeout = TimeSpan.FromSeconds(7) }));
        try
        {
            var (exit, stdout, stderr) = TestTools.Curl($"-X PUT -H \"Authorization: Bearer {AdminHarness.Token}\" -H \"Content-Type: application/json\" --data-binary @{file} {admin.Url}/api/gateway/config");

            Assert.True(exit == 0, stderr);
            Assert.Equal(2, JsonDocument.Parse(stdout).RootElement.GetProperty("snapshot_version").GetInt64());
            Assert.Equal(TimeSpan.FromSeconds(7), admin.Backend.CurrentConfig.DrainTimeout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Curl_PutLargeConfig_GoesThrough100Continue()
    {
        Assert.True(TestTools.EnsurePackage("curl", "/usr/bin/curl") == null, "curl is required");
        await using var admin = AdminHarness.Start();
        string file = Path.Combine(Path.GetTempPath(), $"admin-config-{Guid.NewGuid():N}.json");
        // A 2 MiB comment: past the size at which curl asks "Expect: 100-continue" first.
        var json = new StringBuilder("// ").Append('x', 2 << 20).Append('\n').Append(AdminJson.SerializeConfig(FakeAdminBackend.DefaultConfig()));
        File.WriteAllText(file, json.ToString());
        try
        {
            var (exit, stdout, stderr) = TestTools.Curl($"-v -X PUT --oauth2-bearer {AdminHarness.Token} --data-binary @{file} {admin.Url}/api/gateway/config");

            Assert.True(exit == 0, stderr);
            Assert.Contains("HTTP/1.1 100 Continue", stderr, StringComparison.Ordinal);
            Assert.True(JsonDocument.Parse(stdout).RootElement.GetProperty("applied").GetBoolean());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Curl_WithoutTheToken_Gets401()
    {
        Assert.True(TestTools.EnsurePackage("curl", "/usr/bin/curl") == null, "curl is required");
        await using var admin = AdminHarness.Start();

        var (exit, stdout, stderr) = TestTools.Curl($"-o /dev/null -w \"%{{http_code}}\" {admin.Url}/api/gateway/config");

        Assert.True(exit == 0, stderr);
        Assert.Equal("401", stdout);
    }
}
