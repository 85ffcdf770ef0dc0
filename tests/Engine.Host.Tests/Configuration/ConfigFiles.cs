using Engine.Core.Configuration;
using Engine.Host.Configuration;

namespace Engine.Host.Tests.Configuration;

/// <summary>A temporary directory of config files; errors come back with the directory stripped, as "gateway.toml:3:1: ...".</summary>
internal sealed class ConfigFiles : IDisposable
{
    public ConfigFiles()
    {
        Root = Path.Combine(Path.GetTempPath(), "engine-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>A variable environment for <c>${NAME}</c>, so tests need not touch the process's.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public string Write(string relativePath, string text)
    {
        string path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public LoadedConfig Load(string relativePath = "gateway.toml") =>
        ConfigLoader.Load(Path.Combine(Root, relativePath), name => Environment.GetValueOrDefault(name));

    public GatewayConfig Config(string relativePath = "gateway.toml") => Load(relativePath).Config;

    /// <summary>The rendered errors of a load that must fail, paths made relative to <see cref="Root"/>.</summary>
    public string[] Errors(string relativePath = "gateway.toml") =>
        Failure(relativePath).Errors.Select(Relative).ToArray();

    public GatewayConfigException Failure(string relativePath = "gateway.toml") =>
        Assert.Throws<GatewayConfigException>(() => Load(relativePath));

    public string Relative(string text) => text.Replace(Root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A watcher test may still hold a handle for a moment; the OS temp cleaner gets it.
        }
    }

    /// <summary>A listener, a router and a service that are valid together, for tests about one other part.</summary>
    public const string Minimal = """
        [entrypoints.web]
        address = "127.0.0.1:18000"

        [routers.app]
        rule = "PathPrefix(`/`)"
        service = "app"

        [services.app.load_balancer]
        [[services.app.load_balancer.servers]]
        url = "http://127.0.0.1:18001"

        """;
}
