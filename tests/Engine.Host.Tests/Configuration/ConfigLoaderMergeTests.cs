using Engine.Core.Configuration;
using Engine.Host.Configuration;

namespace Engine.Host.Tests.Configuration;

public sealed class ConfigLoaderMergeTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Load_Directory_MergesEveryTomlFileInNameOrder()
    {
        _files.Write("etc/20-routers.toml", "[routers.app]\nrule = \"PathPrefix(`/`)\"\nservice = \"app\"\n");
        _files.Write("etc/10-entrypoints.toml", "[entrypoints.web]\naddress = \"127.0.0.1:18000\"\n[entrypoints.alt]\naddress = \"127.0.0.1:18001\"\n");
        _files.Write("etc/30-services.toml", "[services.app.load_balancer]\n[[services.app.load_balancer.servers]]\nurl = \"http://127.0.0.1:18002\"\n");
        _files.Write("etc/README.md", "not a config file");
        _files.Write("etc/.#30-services.toml", "an editor's lock file");

        LoadedConfig loaded = _files.Load("etc");

        Assert.Equal(["web", "alt"], loaded.Config.Entrypoints.Select(e => e.Name));
        Assert.Equal("app", Assert.Single(loaded.Config.Routers).Service);
        Assert.Equal("app", Assert.Single(loaded.Config.Services).Name);
        Assert.Equal(["10-entrypoints.toml", "20-routers.toml", "30-services.toml"], loaded.Files.Select(Path.GetFileName));
        Assert.Equal([Path.Combine(_files.Root, "etc")], loaded.Directories);
    }

    [Fact]
    public void Load_EmptyDirectory_SaysItHasNoTomlFiles()
    {
        Directory.CreateDirectory(Path.Combine(_files.Root, "empty"));

        Assert.Equal(["empty: the directory has no *.toml files."], _files.Errors("empty"));
    }

    [Fact]
    public void Load_ProvidersFileDirectory_MergesItsFilesRelativeToTheMainFile()
    {
        _files.Write("main/gateway.toml", """
            [entrypoints.web]
            address = "127.0.0.1:18000"

            [providers.file]
            directory = "conf.d/"
            filename = "../extra/admin.toml"
            """);
        _files.Write("main/conf.d/api.toml", "[routers.api]\nrule = \"PathPrefix(`/api`)\"\nservice = \"api\"\n");
        _files.Write("main/conf.d/services.toml", "[services.api.load_balancer]\n[[services.api.load_balancer.servers]]\nurl = \"http://127.0.0.1:18001\"\n");
        _files.Write("extra/admin.toml", "[admin]\naddress = \"127.0.0.1:18900\"\n");

        LoadedConfig loaded = _files.Load("main/gateway.toml");

        Assert.Equal("api", Assert.Single(loaded.Config.Routers).Name);
        Assert.Equal("api", Assert.Single(loaded.Config.Services).Name);
        Assert.Equal("127.0.0.1:18900", loaded.Config.Admin!.Address);
        Assert.Equal(new FileProviderConfig { Directory = "conf.d/", Filename = "../extra/admin.toml" }, loaded.Config.FileProvider);
        Assert.Equal(
            ["main/gateway.toml", "main/conf.d/api.toml", "main/conf.d/services.toml", "extra/admin.toml"],
            loaded.Files.Select(f => Path.GetRelativePath(_files.Root, f)));
        Assert.Equal([Path.Combine(_files.Root, "main", "conf.d")], loaded.Directories.Select(d => d.TrimEnd(Path.DirectorySeparatorChar)));
    }

    [Fact]
    public void Load_RouterDefinedInTwoFiles_NamesBothFilesAndLines()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + "[providers.file]\ndirectory = \"conf.d\"\n");
        _files.Write("conf.d/extra.toml", "# a second definition\n\n[routers.app]\nrule = \"PathPrefix(`/other`)\"\nservice = \"app\"\n");

        GatewayConfigException failure = _files.Failure();

        Assert.Equal(
            ["conf.d/extra.toml:3:10: routers.app: already defined in gateway.toml:4:10; each router may be defined in only one file."],
            failure.Errors.Select(e => _files.Relative(_files.Relative(e))));
        Assert.Equal("routers.app", Assert.Single(failure.Problems).KeyPath);
    }

    [Fact]
    public void Load_RouterDefinedInTwoFiles_StillChecksTheFirstDefinition()
    {
        _files.Write("etc/a.toml", ConfigFiles.Minimal.Replace("service = \"app\"", "service = \"ap\"", StringComparison.Ordinal));
        _files.Write("etc/b.toml", "[routers.app]\nrule = \"PathPrefix(`/`)\"\nservice = \"app\"\n");

        Assert.Equal(
        [
            "etc/a.toml:6:1: routers.app.service: no service named 'ap'; did you mean 'app'?",
            "etc/b.toml:1:10: routers.app: already defined in etc/a.toml:4:10; each router may be defined in only one file.",
        ], _files.Errors("etc"));
    }

    [Fact]
    public void Load_TopLevelTableInTwoFiles_IsAConflictToo()
    {
        _files.Write("etc/a.toml", ConfigFiles.Minimal + "[admin]\naddress = \"127.0.0.1:18900\"\n");
        _files.Write("etc/b.toml", "drain_timeout = \"5s\"\n[admin]\naddress = \"127.0.0.1:18901\"\n");

        Assert.Equal(
            ["etc/b.toml:2:2: admin: already defined in etc/a.toml:11:2; each top-level setting may be defined in only one file."],
            _files.Errors("etc"));
    }

    [Fact]
    public void Load_IncludedFileWithProviders_IsRefusedBecauseIncludesDoNotNest()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + "[providers.file]\ndirectory = \"conf.d\"\n");
        _files.Write("conf.d/nested.toml", "[providers.file]\ndirectory = \"more\"\n");

        Assert.Equal(
            ["conf.d/nested.toml:1:2: providers: may only be set in a main configuration file, not in a file it includes (includes do not nest)."],
            _files.Errors());
    }

    [Fact]
    public void Load_MissingIncludeDirectory_IsReportedAtItsValue()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + "[providers.file]\ndirectory = \"missing.d\"\n");

        Assert.Equal(
            ["gateway.toml:12:13: providers.file.directory: the directory missing.d does not exist."],
            _files.Errors());
    }

    [Fact]
    public void Load_SyntaxErrorsInSeveralFiles_ReportsEachAndStillBindsTheOthers()
    {
        _files.Write("etc/a.toml", "[entrypoints.web\n");
        _files.Write("etc/b.toml", "[routers.app]\nrule = \"PathPrefix(`/`)\"\nservice = \n");
        _files.Write("etc/c.toml", "[services.app.load_balancer]\nstrategy = 1\n");

        Assert.Equal(
        [
            "etc/a.toml:1:17: expected '.' or ']' after \"entrypoints.web\" in table header, found end of line.",
            "etc/b.toml:3:11: expected a value, found end of line.",
            // References are not checked while a file is unreadable (its definitions are unknown),
            // but what the readable files say about themselves is.
            "etc/c.toml:2:12: services.app.load_balancer.strategy: expected a string, found an integer (1).",
        ], _files.Errors("etc"));
    }
}
