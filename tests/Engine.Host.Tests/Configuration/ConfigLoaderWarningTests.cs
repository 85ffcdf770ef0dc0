namespace Engine.Host.Tests.Configuration;

/// <summary>Warnings: located like errors, never blocking a load, and held back while there are errors.</summary>
public sealed class ConfigLoaderWarningTests : IDisposable
{
    private const string Unused = """
        [services.old.load_balancer]
        [[services.old.load_balancer.servers]]
        url = "http://127.0.0.1:18009"

        """;

    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Load_ServiceNoRouterUses_LoadsWithALocatedWarning()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + Unused);

        var loaded = _files.Load();

        Assert.Equal(["app", "old"], loaded.Config.Services.Select(s => s.Name));
        Assert.Equal(
            ["gateway.toml:11:11: warning: services.old: no router uses this service, directly or through a weighted service, so it never receives a request."],
            loaded.Warnings.Select(_files.Relative));
    }

    [Fact]
    public void Load_ServicesReachedThroughWeightedServices_AreUsedEvenAtWeightZero()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal.Replace("service = \"app\"", "service = \"split\"", StringComparison.Ordinal) + Unused + """
            [services.split.weighted]
            [[services.split.weighted.services]]
            name = "app"
            weight = 1
            [[services.split.weighted.services]]
            name = "old"
            weight = 0
            """);

        Assert.Empty(_files.Load().Warnings);
    }

    [Fact]
    public void Load_WeightedServiceNoRouterUses_WarnsAboutItAndTheServicesOnlyItReaches()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + Unused + """
            [services.split.weighted]
            [[services.split.weighted.services]]
            name = "app"
            [[services.split.weighted.services]]
            name = "old"
            """);

        Assert.Equal(["services.old", "services.split"], _files.Load().Warnings.Select(w => w.Split(": ")[2]));
    }

    [Fact]
    public void Load_ConfigWithErrors_ReportsOnlyTheErrors()
    {
        // The mistyped reference leaves "app" unused: a warning would say the same thing again.
        _files.Write("gateway.toml", ConfigFiles.Minimal.Replace("service = \"app\"", "service = \"ap\"", StringComparison.Ordinal));

        Assert.Equal(["gateway.toml:6:1: routers.app.service: no service named 'ap'; did you mean 'app'?"], _files.Errors());
    }
}
