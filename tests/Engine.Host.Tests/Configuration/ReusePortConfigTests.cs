using Engine.Core.Configuration;
using Engine.Host.Admin;
using Engine.Host.Configuration;

namespace Engine.Host.Tests.Configuration;

/// <summary><c>reuse_port</c> from TOML, through the admin API's JSON, and in <c>engine validate</c>'s summary.</summary>
public sealed class ReusePortConfigTests : IDisposable
{
    private const string SharedConfig = ConfigFiles.Minimal + """
        [entrypoints.api]
        address = "127.0.0.1:18002"
        reuse_port = true

        [admin]
        address = "127.0.0.1:9901"
        reuse_port = true
        """;

    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Toml_ReusePort_IsOffUnlessTheTableSetsIt()
    {
        string path = _files.Write("gateway.toml", SharedConfig);

        GatewayConfig config = ConfigLoader.Load(path, _ => null).Config;

        Assert.Equal([("web", false), ("api", true)], config.Entrypoints.Select(e => (e.Name, e.ReusePort)));
        Assert.True(config.Admin!.ReusePort);
    }

    [Fact]
    public void Toml_ReusePortThatIsNotABoolean_IsALocatedError()
    {
        string path = _files.Write("gateway.toml", ConfigFiles.Minimal.Replace("address = \"127.0.0.1:18000\"", "address = \"127.0.0.1:18000\"\nreuse_port = \"yes\"", StringComparison.Ordinal));

        GatewayConfigException refused = Assert.Throws<GatewayConfigException>(() => ConfigLoader.Load(path, _ => null));

        Assert.Contains(refused.Errors, e => e.StartsWith($"{path}:3:", StringComparison.Ordinal) && e.Contains("entrypoints.web.reuse_port", StringComparison.Ordinal));
    }

    [Fact]
    public void AdminJson_CarriesReusePort_BothWays()
    {
        GatewayConfig config = ConfigLoader.Load(_files.Write("gateway.toml", SharedConfig), _ => null).Config;

        string json = AdminJson.SerializeConfig(config);
        Assert.True(AdminJson.TryReadConfig(System.Text.Encoding.UTF8.GetBytes(json), out GatewayConfig? read, out string? error), error);

        Assert.Contains("\"reuse_port\": true", json, StringComparison.Ordinal);
        Assert.Equal(config.Entrypoints, read.Entrypoints);
        Assert.True(read.Admin!.ReusePort);
    }

    [Fact]
    public void ChangingOnlyReusePort_MakesADifferentEntrypointConfig()
    {
        var plain = new EntrypointConfig("web", "127.0.0.1:18000");

        Assert.NotEqual(plain, plain with { ReusePort = true });
    }

    [Fact]
    public void Validate_Summary_ShowsWhichListenersShareTheirAddress()
    {
        string path = _files.Write("gateway.toml", SharedConfig);
        var output = new StringWriter();

        Assert.Equal(0, ValidateCommand.Run(path, output, new StringWriter(), _ => null));

        string[] lines = output.ToString().Split('\n');
        Assert.Contains("  web: http://127.0.0.1:18000", lines);
        Assert.Contains("  api: http://127.0.0.1:18002 (reuse_port: shared with other engines that set it)", lines);
        Assert.Contains("admin: 127.0.0.1:9901 (reuse_port: shared with other engines that set it)", lines);
    }
}
