using Engine.Core.Configuration;
using Engine.Core.LoadBalancing;
using Engine.Host.Configuration;

namespace Engine.Host.Tests.Configuration;

public sealed class ConfigLoaderBindingTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Load_FileWithEveryKey_BindsEachIntoGatewayConfig()
    {
        _files.Write("gateway.toml", """
            drain_timeout = "45s"

            [entrypoints.web]
            address = "127.0.0.1:18000"
            protocol = "http"
            [entrypoints.web.limits]
            max_request_line_size = "4KiB"
            max_request_head_size = 16384
            max_request_header_count = 50
            max_request_body_size = "10MB"
            max_response_head_size = "128KiB"
            [entrypoints.web.timeouts]
            request_header = "5s"
            keep_alive = "1m30s"
            body_idle = 20

            [routers.api]
            rule = "Host(`api.example.com`) && PathPrefix(`/v1`)"
            service = "api"
            entrypoints = ["web"]
            priority = 7

            [services.api.load_balancer]
            strategy = "consistent-hash"
            maglev_table_size = 251
            [services.api.load_balancer.hash_key]
            source = "header"
            name = "X-Tenant"
            [services.api.load_balancer.sticky.cookie]
            name = "aff"
            secure = true
            http_only = false
            same_site = "strict"
            max_age = 3600
            path = "/v1"
            [[services.api.load_balancer.servers]]
            url = "http://127.0.0.1:18001"
            weight = 3
            [[services.api.load_balancer.servers]]
            url = "http://127.0.0.1:18002"
            [services.api.load_balancer.pool]
            max_connections = 100
            max_idle_connections = 10
            idle_timeout = "2m"
            connect_timeout = "500ms"
            response_header_timeout = "15s"

            [services.split.weighted]
            [[services.split.weighted.services]]
            name = "api"
            weight = 9
            [[services.split.weighted.services]]
            name = "api"
            weight = 0

            [admin]
            address = "127.0.0.1:18900"
            token = "secret"

            [access_log]
            path = "/tmp/engine-access.log"
            format = "common"
            buffer_size = 1024

            [providers.file]
            watch = false
            """);

        LoadedConfig loaded = _files.Load();
        GatewayConfig config = loaded.Config;

        Assert.Equal(TimeSpan.FromSeconds(45), config.DrainTimeout);
        EntrypointConfig web = Assert.Single(config.Entrypoints);
        Assert.Equal(new EntrypointConfig("web", "127.0.0.1:18000")
        {
            Protocol = "http",
            Limits = new HttpLimitsConfig
            {
                MaxRequestLineSize = 4096,
                MaxRequestHeadSize = 16384,
                MaxRequestHeaderCount = 50,
                MaxRequestBodySize = 10_000_000,
                MaxResponseHeadSize = 128 * 1024,
            },
            Timeouts = new DownstreamTimeoutsConfig
            {
                RequestHeaderTimeout = TimeSpan.FromSeconds(5),
                KeepAliveTimeout = TimeSpan.FromSeconds(90),
                BodyIdleTimeout = TimeSpan.FromSeconds(20),
            },
        }, web);

        RouterConfig api = Assert.Single(config.Routers);
        Assert.Equal(("api", "Host(`api.example.com`) && PathPrefix(`/v1`)", "api", (int?)7), (api.Name, api.Rule, api.Service, api.Priority));
        Assert.Equal(["web"], api.Entrypoints);

        Assert.Equal(2, config.Services.Count);
        ServiceConfig balanced = config.Services[0];
        Assert.Equal("api", balanced.Name);
        Assert.Null(balanced.Weighted);
        Assert.Equal([new DestinationConfig("http://127.0.0.1:18001") { Weight = 3 }, new DestinationConfig("http://127.0.0.1:18002")], balanced.Destinations);
        Assert.Equal(new LoadBalancingConfig
        {
            Policy = "consistent-hash",
            MaglevTableSize = 251,
            HashKey = new HashKeyConfig(HashKeySource.Header, "X-Tenant"),
            StickySession = new StickySessionConfig("aff")
            {
                Secure = true,
                HttpOnly = false,
                SameSite = CookieSameSite.Strict,
                MaxAge = TimeSpan.FromHours(1),
                Path = "/v1",
            },
        }, balanced.LoadBalancing);
        Assert.Equal(new UpstreamPoolConfig
        {
            MaxConnections = 100,
            MaxIdleConnections = 10,
            IdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
            ResponseHeaderTimeout = TimeSpan.FromSeconds(15),
        }, balanced.Pool);

        ServiceConfig split = config.Services[1];
        Assert.Equal("split", split.Name);
        Assert.Empty(split.Destinations);
        Assert.Equal([new WeightedServiceConfig("api", 9), new WeightedServiceConfig("api", 0)], split.Weighted!);

        Assert.Equal(new AdminConfig { Address = "127.0.0.1:18900", Token = "secret" }, config.Admin);
        Assert.Equal(new AccessLogConfig { Path = "/tmp/engine-access.log", Format = "common", BufferSize = 1024 }, config.AccessLog);
        Assert.Equal(new FileProviderConfig { Watch = false }, config.FileProvider);
        Assert.Equal([Path.Combine(_files.Root, "gateway.toml")], loaded.Files);
        Assert.Empty(loaded.Directories);
    }

    [Fact]
    public void Load_KeysLeftOut_KeepTheModelDefaults()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal);

        GatewayConfig config = _files.Config();

        Assert.Equal(new GatewayConfig().DrainTimeout, config.DrainTimeout);
        Assert.Equal(new EntrypointConfig("web", "127.0.0.1:18000"), config.Entrypoints[0]);
        Assert.Null(config.Routers[0].Priority);
        Assert.Empty(config.Routers[0].Entrypoints);
        Assert.Equal(LoadBalancingConfig.Default, config.Services[0].LoadBalancing);
        Assert.Equal(UpstreamPoolConfig.Default, config.Services[0].Pool);
        Assert.Null(config.Admin);
        Assert.Null(config.AccessLog);
        Assert.Null(config.FileProvider);
    }

    [Fact]
    public void Load_StickyCookieWithoutName_NamesItAfterTheService()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + """
            [services.app.load_balancer.sticky.cookie]
            """);

        Assert.Equal(new StickySessionConfig("engine_app"), _files.Config().Services[0].LoadBalancing.StickySession);
    }

    [Fact]
    public void Load_HashKeyFromClientIp_BindsTheClientAddressSource()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal.Replace("[[services.app.load_balancer.servers]]", """
            strategy = "consistent_hash"
            hash_key = { source = "client_ip" }
            [[services.app.load_balancer.servers]]
            """, StringComparison.Ordinal));

        Assert.Equal(new HashKeyConfig(HashKeySource.ClientAddress), _files.Config().Services[0].LoadBalancing.HashKey);
    }

    [Fact]
    public void Load_ServersAsInlineTables_BindLikeArrayOfTables()
    {
        _files.Write("gateway.toml", """
            entrypoints.web.address = "127.0.0.1:18000"
            routers.app = { rule = "PathPrefix(`/`)", service = "app" }
            services.app.load_balancer.servers = [{ url = "http://127.0.0.1:18001" }, { url = "http://127.0.0.1:18002", weight = 2 }]
            """);

        Assert.Equal(
            [new DestinationConfig("http://127.0.0.1:18001"), new DestinationConfig("http://127.0.0.1:18002") { Weight = 2 }],
            _files.Config().Services[0].Destinations);
    }

    [Theory]
    [InlineData("\"30s\"", 30_000)]
    [InlineData("\"500ms\"", 500)]
    [InlineData("\"1m30s\"", 90_000)]
    [InlineData("\"2h\"", 7_200_000)]
    [InlineData("\"1.5s\"", 1_500)]
    [InlineData("12", 12_000)]
    public void Load_DurationAsStringOrIntegerSeconds_BindsTheTimeSpan(string written, long milliseconds)
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + $"[entrypoints.web.timeouts]\nkeep_alive = {written}\n");

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), _files.Config().Entrypoints[0].Timeouts.KeepAliveTimeout);
    }

    [Theory]
    [InlineData("\"10MiB\"", 10L << 20)]
    [InlineData("\"512KiB\"", 512L << 10)]
    [InlineData("\"1MB\"", 1_000_000)]
    [InlineData("\"64 kb\"", 64_000)]
    [InlineData("\"2GiB\"", 2L << 30)]
    [InlineData("1048576", 1L << 20)]
    public void Load_SizeAsStringOrIntegerBytes_BindsTheByteCount(string written, long bytes)
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + $"[entrypoints.web.limits]\nmax_request_body_size = {written}\n");

        Assert.Equal(bytes, _files.Config().Entrypoints[0].Limits.MaxRequestBodySize);
    }

    [Fact]
    public void Load_EnvironmentReferences_AreSubstitutedBeforeTyping()
    {
        _files.Environment["UPSTREAM_PORT"] = "18009";
        _files.Environment["CANARY_WEIGHT"] = "4";
        _files.Write("gateway.toml", """
            [entrypoints.web]
            address = "${LISTEN:-127.0.0.1:18000}"
            [entrypoints.web.timeouts]
            keep_alive = "${KEEP_ALIVE:-20s}"

            [routers.app]
            rule = "PathRegexp(`^/x$$`) && Header(`X-Literal`, `$${NOT_A_VARIABLE}`)"
            service = "app"

            [services.app.load_balancer]
            [[services.app.load_balancer.servers]]
            url = "http://127.0.0.1:${UPSTREAM_PORT}"
            weight = "${CANARY_WEIGHT}"
            """);

        GatewayConfig config = _files.Config();

        Assert.Equal("127.0.0.1:18000", config.Entrypoints[0].Address);
        Assert.Equal(TimeSpan.FromSeconds(20), config.Entrypoints[0].Timeouts.KeepAliveTimeout);
        Assert.Equal("PathRegexp(`^/x$$`) && Header(`X-Literal`, `${NOT_A_VARIABLE}`)", config.Routers[0].Rule);
        Assert.Equal(new DestinationConfig("http://127.0.0.1:18009") { Weight = 4 }, config.Services[0].Destinations[0]);
    }

    [Fact]
    public void Load_WithoutAnEnvironmentArgument_ReadsTheProcessEnvironment()
    {
        string name = "ENGINE_TEST_ADMIN_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "from-the-process");
        try
        {
            string path = _files.Write("gateway.toml", ConfigFiles.Minimal + $"[admin]\ntoken = \"${{{name}}}\"\n");

            Assert.Equal("from-the-process", ConfigLoader.Load(path).Config.Admin!.Token);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
