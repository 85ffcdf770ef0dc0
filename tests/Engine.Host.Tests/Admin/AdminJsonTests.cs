using System.Text;
using Engine.Core.Configuration;
using Engine.Core.LoadBalancing;
using Engine.Host.Admin;

namespace Engine.Host.Tests.Admin;

public sealed class AdminJsonTests
{
    /// <summary>A config that sets every member of every record to something other than its default.</summary>
    internal static GatewayConfig FullConfig() => new()
    {
        Entrypoints =
        [
            new EntrypointConfig("web", "127.0.0.1:8080")
            {
                Limits = new HttpLimitsConfig { MaxRequestLineSize = 4096, MaxRequestHeadSize = 16384, MaxRequestHeaderCount = 50, MaxRequestBodySize = 1 << 20, MaxResponseHeadSize = 32768 },
                Timeouts = new DownstreamTimeoutsConfig { RequestHeaderTimeout = TimeSpan.FromSeconds(10), KeepAliveTimeout = TimeSpan.FromSeconds(90), BodyIdleTimeout = TimeSpan.FromMilliseconds(1500) },
            },
            new EntrypointConfig("internal", "[::1]:8081"),
        ],
        Routers =
        [
            new RouterConfig("api", "Host(`api.example.com`) && PathPrefix(`/v1`)", "api") { Priority = 10, Entrypoints = ["web"] },
            RouterConfig.CatchAll("site", "canary"),
        ],
        Services =
        [
            new ServiceConfig("api", [new DestinationConfig("http://10.0.0.1:9000") { Weight = 3 }, new DestinationConfig("10.0.0.2:9000")])
            {
                LoadBalancing = new LoadBalancingConfig
                {
                    Policy = LoadBalancingPolicyNames.ConsistentHash,
                    HashKey = new HashKeyConfig(HashKeySource.ClientAddress),
                    MaglevTableSize = 257,
                    StickySession = new StickySessionConfig("srv") { Secure = true, HttpOnly = false, SameSite = CookieSameSite.Strict, MaxAge = TimeSpan.FromHours(1), Path = "/app" },
                },
                Pool = new UpstreamPoolConfig { MaxConnections = 100, MaxIdleConnections = 10, IdleTimeout = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromMilliseconds(250), ResponseHeaderTimeout = Timeout.InfiniteTimeSpan },
            },
            new ServiceConfig("web", [new DestinationConfig("http://web.internal:8080")]) { LoadBalancing = new LoadBalancingConfig { HashKey = new HashKeyConfig(HashKeySource.Header, "X-User") } },
            new ServiceConfig("canary") { Weighted = [new WeightedServiceConfig("api", 9), new WeightedServiceConfig("web")] },
        ],
        Admin = new AdminConfig { Address = "127.0.0.1:9902", Token = "s3cret" },
        AccessLog = new AccessLogConfig { Path = "/var/log/engine.log", Format = "common", BufferSize = 1024 },
        FileProvider = new FileProviderConfig { Filename = "extra.toml", Directory = "conf.d", Watch = false },
        DrainTimeout = TimeSpan.FromSeconds(45),
    };

    [Fact]
    public void FullConfig_SerializedAndReadBack_ReserializesToTheSameJson()
    {
        string json = AdminJson.SerializeConfig(FullConfig());

        Assert.True(AdminJson.TryReadConfig(Encoding.UTF8.GetBytes(json), out GatewayConfig? read, out string? error), error);
        Assert.Equal(json, AdminJson.SerializeConfig(read));
    }

    [Fact]
    public void FullConfig_ReadBack_HasEveryValueItWasWrittenWith()
    {
        GatewayConfig original = FullConfig();
        Assert.True(AdminJson.TryReadConfig(Encoding.UTF8.GetBytes(AdminJson.SerializeConfig(original)), out GatewayConfig? read, out string? error), error);

        // Records compare their lists by reference, so compare element-wise one level down.
        Assert.Equal(original.Entrypoints, read.Entrypoints);
        Assert.Equal(original.Admin, read.Admin);
        Assert.Equal(original.AccessLog, read.AccessLog);
        Assert.Equal(original.FileProvider, read.FileProvider);
        Assert.Equal(original.DrainTimeout, read.DrainTimeout);
        Assert.Equal(original.Routers.Count, read.Routers.Count);
        for (int i = 0; i < original.Routers.Count; i++)
        {
            Assert.Equal(original.Routers[i] with { Entrypoints = [] }, read.Routers[i] with { Entrypoints = [] });
            Assert.Equal(original.Routers[i].Entrypoints, read.Routers[i].Entrypoints);
        }
        Assert.Equal(original.Services.Count, read.Services.Count);
        for (int i = 0; i < original.Services.Count; i++)
        {
            ServiceConfig expected = original.Services[i], actual = read.Services[i];
            Assert.Equal(expected.Name, actual.Name);
            Assert.Equal(expected.Destinations, actual.Destinations);
            Assert.Equal(expected.LoadBalancing, actual.LoadBalancing);
            Assert.Equal(expected.Pool, actual.Pool);
            Assert.Equal(expected.Weighted ?? [], actual.Weighted ?? []);
            Assert.Equal(expected.Weighted == null, actual.Weighted == null);
        }
    }

    [Fact]
    public void Serialize_UsesSnakeCaseKeys_DurationStrings_AndSnakeCaseEnums()
    {
        string json = AdminJson.SerializeConfig(FullConfig());

        Assert.Contains("\"drain_timeout\": \"45s\"", json, StringComparison.Ordinal);
        Assert.Contains("\"max_request_body_size\": 1048576", json, StringComparison.Ordinal);
        Assert.Contains("\"body_idle_timeout\": \"1.5s\"", json, StringComparison.Ordinal);
        Assert.Contains("\"connect_timeout\": \"250ms\"", json, StringComparison.Ordinal);
        Assert.Contains("\"response_header_timeout\": \"infinite\"", json, StringComparison.Ordinal);
        Assert.Contains("\"max_age\": \"1h\"", json, StringComparison.Ordinal);
        Assert.Contains("\"source\": \"client_address\"", json, StringComparison.Ordinal);
        Assert.Contains("\"same_site\": \"strict\"", json, StringComparison.Ordinal);
        // Rules stay readable: backticks are not escaped as \u0060 (the default HTML-safe encoder would).
        Assert.Contains("\"rule\": \"Host(`api.example.com`) && PathPrefix(`/v1`)\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MinimalConfig_FillsDefaults_AndAcceptsCommentsAndTrailingCommas()
    {
        const string Json = """
            {
              // one entrypoint, one weighted service without "destinations"
              "entrypoints": [{ "name": "web", "address": "127.0.0.1:8080", }],
              "services": [{ "name": "a", "destinations": [{ "address": "http://127.0.0.1:9000" }] },
                           { "name": "w", "weighted": [{ "service": "a" }] }],
              "routers": [{ "name": "r", "rule": "PathPrefix(`/`)", "service": "w" }],
              "drain_timeout": 5
            }
            """;

        Assert.True(AdminJson.TryReadConfig(Encoding.UTF8.GetBytes(Json), out GatewayConfig? config, out string? error), error);
        Assert.Equal(TimeSpan.FromSeconds(5), config.DrainTimeout);
        Assert.Equal(HttpLimitsConfig.Default, config.Entrypoints[0].Limits);
        Assert.Empty(config.Services[1].Destinations);
        Assert.Equal(1, config.Services[1].Weighted![0].Weight);
        Assert.Empty(GatewayConfigValidator.Validate(config));
    }

    [Theory]
    [InlineData("{\n  \"entrypoints\": [\n    { \"name\": \"web\" \"address\": \"x\" }\n  ]\n}", "line 3, byte 21")]
    [InlineData("{ \"drain_timeout\": \"soon\" }", "($.drain_timeout): 'soon' is not a duration")]
    [InlineData("{ \"entrypoints\": [{ \"name\": \"web\" }] }", "address")]
    [InlineData("{ \"drian_timeout\": \"1s\" }", "drian_timeout")]
    [InlineData("{ \"routers\": [{ \"name\": null, \"rule\": \"x\", \"service\": \"s\" }] }", "$.routers[0].name")]
    [InlineData("{ \"services\": [{ \"name\": \"a\", \"pool\": { \"idle_timeout\": true } }] }", "($.services[0].pool.idle_timeout)")]
    [InlineData("{ \"services\": [{ \"name\": \"a\", \"load_balancing\": { \"hash_key\": { \"source\": \"ip\" } } }] }", "($.services[0].load_balancing.hash_key.source)")]
    [InlineData("{ \"services\": [{ \"name\": \"a\", \"destinations\": [{ \"address\": \"x\" }, { \"address\": \"y\", \"weight\": \"2\" }] }] }", "($.services[0].destinations[1].weight)")]
    [InlineData("{ \"drain_timeout\": \"1s\", \"drain_timeout\": \"2s\" }", "line 1, byte 26: the key 'drain_timeout' appears twice")]
    [InlineData("null", "must be a JSON object")]
    [InlineData("", "line 1, byte 1")]
    public void Read_BadJson_SaysWhereAndWhat(string json, string expected)
    {
        Assert.False(AdminJson.TryReadConfig(Encoding.UTF8.GetBytes(json), out _, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2h", 7_200_000)]
    [InlineData("00:00:30", 30_000)]
    [InlineData("1.02:03:04", 93_784_000)]
    [InlineData("0", 0)]
    [InlineData("-5s", -5_000)]
    public void Duration_Parses_GoStyleAndTimeSpanForms(string text, long milliseconds)
    {
        Assert.True(DurationJsonConverter.TryParse(text, out TimeSpan value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("5 s")]
    [InlineData("1d")]
    [InlineData("1.2.3s")]
    [InlineData("99999999999999999999h")]
    public void Duration_RefusesWhatIsNotADuration(string text) => Assert.False(DurationJsonConverter.TryParse(text, out _));

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(15_000L)]
    [InlineData(10_000_001L)]
    [InlineData(36_000_000_000L + 5)]
    [InlineData(-600_000_000L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void Duration_FormatThenParse_GivesBackTheSameTicks(long ticks)
    {
        string text = DurationJsonConverter.Format(TimeSpan.FromTicks(ticks));

        Assert.True(DurationJsonConverter.TryParse(text, out TimeSpan value), text);
        Assert.Equal(ticks, value.Ticks);
    }

    [Fact]
    public void Redact_HidesTheToken_AndRestoreSecrets_PutsItBack()
    {
        GatewayConfig config = FullConfig();

        GatewayConfig redacted = AdminJson.Redact(config);
        GatewayConfig restored = AdminJson.RestoreSecrets(redacted, config);

        Assert.Equal(AdminJson.Redacted, redacted.Admin!.Token);
        Assert.DoesNotContain("s3cret", AdminJson.SerializeConfig(redacted), StringComparison.Ordinal);
        Assert.Equal("s3cret", restored.Admin!.Token);
        Assert.Null(AdminJson.Redact(config with { Admin = null }).Admin);
    }
}

public sealed class AdminJsonDefaultsTests
{
    [Fact]
    public void Read_EmptyObjects_GiveEveryRecordItsOwnDefaults()
    {
        const string Json = """
            {
              "entrypoints": [{ "name": "web", "address": "127.0.0.1:8080" }],
              "routers": [{ "name": "r", "rule": "PathPrefix(`/`)", "service": "s" }],
              "services": [{ "name": "s", "destinations": [{ "address": "127.0.0.1:9000" }],
                             "load_balancing": { "sticky_session": { "cookie_name": "c" } } }],
              "admin": {}, "access_log": {}, "file_provider": {}
            }
            """;
        var expected = new GatewayConfig
        {
            Entrypoints = [new EntrypointConfig("web", "127.0.0.1:8080")],
            Routers = [new RouterConfig("r", "PathPrefix(`/`)", "s")],
            Services = [new ServiceConfig("s", [new DestinationConfig("127.0.0.1:9000")]) { LoadBalancing = new LoadBalancingConfig { StickySession = new StickySessionConfig("c") } }],
            Admin = new AdminConfig(),
            AccessLog = new AccessLogConfig(),
            FileProvider = new FileProviderConfig(),
        };

        Assert.True(AdminJson.TryReadConfig(Encoding.UTF8.GetBytes(Json), out GatewayConfig? config, out string? error), error);
        Assert.Equal(AdminJson.SerializeConfig(expected), AdminJson.SerializeConfig(config));
        Assert.Equal(1, config.Services[0].Destinations[0].Weight);
        Assert.Equal(TimeSpan.FromSeconds(30), config.DrainTimeout);
    }

    [Fact]
    public void DefaultInstances_CoverEveryObjectTypeAGatewayConfigReaches()
    {
        var options = AdminJsonContext.Readable.Options;
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>([typeof(GatewayConfig), typeof(ServiceConfigJson)]);
        while (pending.TryPop(out Type? type))
        {
            var info = options.GetTypeInfo(type);
            if (!seen.Add(type))
            {
                continue;
            }
            if (info.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
            {
                Assert.True(AdminJson.DefaultInstances.ContainsKey(type), $"{type} is missing from AdminJson.DefaultInstances");
                foreach (var property in info.Properties)
                {
                    pending.Push(property.PropertyType);
                }
            }
            else if (info.ElementType is Type element)
            {
                pending.Push(element);
            }
        }
        Assert.Contains(typeof(StickySessionConfig), seen);
    }
}
