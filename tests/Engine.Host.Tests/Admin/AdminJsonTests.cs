using System.Buffers;
using System.Text;
using System.Text.Json;
using Engine.Core.Configuration;
using Engine.Core.LoadBalancing;
using Engine.Host.Admin;
using Engine.Host.Tests.Configuration;

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
    [InlineData("{ \"drian_timeout\": \"1s\" }", "($.drian_timeout): unknown key 'drian_timeout' in the gateway configuration.")]
    [InlineData("{ \"routers\": [{ \"name\": \"r\", \"rule\": \"x\", \"service\": \"s\", \"prio\": 1 }] }", "unknown key 'prio' in the router section.")]
    [InlineData("{ \"entrypoints\": 5 }", "($.entrypoints): the value is not a list (a JSON array).")]
    [InlineData("{ \"entrypoints\": [{ \"name\": \"web\" }] }", "the entrypoint section is missing the required key 'address'.")]
    [InlineData("{ \"routers\": [{ \"name\": null, \"rule\": \"x\", \"service\": \"s\" }] }", "($.routers[0].name): 'name' in the router section cannot be null.")]
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

    /// <summary>Spellings good and bad: each must read the same from TOML and from admin JSON.</summary>
    public static TheoryData<string> DurationSpellings =>
    [
        "30s", "1m30s", "500ms", "1.5s", "2h", "1d", "1.5d", "1h2m3s4ms", "1500us", "1500µs", "infinite",
        "00:00:30", "1.02:03:04",
        "", "30", "-5s", "5 s", "5sec", "Infinite", "1..5s", "soon", "1:2:3:4", "99999999999999d",
    ];

    [Theory]
    [MemberData(nameof(DurationSpellings))]
    public void Duration_SameStringReadsTheSameThroughTomlAndAdminJson(string text)
    {
        using var files = new ConfigFiles();
        files.Write("gateway.toml", ConfigFiles.Minimal + $"[entrypoints.web.timeouts]\nkeep_alive = \"{text}\"\n");
        TimeSpan? fromToml = null;
        string? tomlError = null;
        try
        {
            fromToml = files.Config().Entrypoints[0].Timeouts.KeepAliveTimeout;
        }
        catch (GatewayConfigException ex)
        {
            string located = Assert.Single(ex.Errors);
            const string Key = "entrypoints.web.timeouts.keep_alive: ";
            tomlError = located[(located.IndexOf(Key, StringComparison.Ordinal) + Key.Length)..];
        }

        string json = $$"""{ "entrypoints": [{ "name": "web", "address": "127.0.0.1:18000", "timeouts": { "keep_alive_timeout": "{{text}}" } }] }""";
        bool read = AdminJson.TryReadConfig(Encoding.UTF8.GetBytes(json), out GatewayConfig? config, out string? jsonError);
        if (jsonError is not null)
        {
            Assert.Contains("($.entrypoints[0].timeouts.keep_alive_timeout): ", jsonError, StringComparison.Ordinal);
            jsonError = jsonError[(jsonError.IndexOf("): ", StringComparison.Ordinal) + 3)..];
        }

        Assert.Equal(fromToml, read ? config!.Entrypoints[0].Timeouts.KeepAliveTimeout : null);
        Assert.Equal(tomlError, jsonError);
        if (jsonError is not null)
        {
            // A sentence: it says what was written (or that nothing was) and ends with a period.
            Assert.True(jsonError.StartsWith($"'{text}' ", StringComparison.Ordinal) || jsonError.StartsWith("expected a duration", StringComparison.Ordinal), jsonError);
            Assert.EndsWith(".", jsonError, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("\"1d\"", 86_400_000)]
    [InlineData("\"0\"", 0)]
    [InlineData("0", 0)]
    [InlineData("30", 30_000)]
    [InlineData("\"infinite\"", -1)]
    public void Duration_Reads_StringsAndIntegerSeconds(string json, long milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), ReadDuration(json));
    }

    [Theory]
    [InlineData("1.5", "a number here is a whole number of seconds; write a fraction as a string such as \"1.5s\" or \"1500ms\".")]
    [InlineData("-9223372036854775808", "-9223372036854775808 seconds is too long a duration.")]
    [InlineData("true", "expected a duration such as \"30s\", \"500ms\", \"1m30s\" or \"2h\", or an integer number of seconds, found a boolean.")]
    [InlineData("[]", "expected a duration such as \"30s\", \"500ms\", \"1m30s\" or \"2h\", or an integer number of seconds, found an array.")]
    [InlineData("\"30\"", "'30' has no unit; write \"30s\" for seconds (or ms, m, h, d).")]
    public void Duration_RefusesWhatIsNotADuration_InASentence(string json, string error)
    {
        JsonException ex = Assert.Throws<JsonException>(() => ReadDuration(json));
        Assert.Equal(error, ex.Message);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(15_000L)]
    [InlineData(10_000_001L)]
    [InlineData(36_000_000_000L + 5)]
    [InlineData(long.MaxValue)]
    [InlineData(-10_000L)] // Timeout.InfiniteTimeSpan
    public void Duration_WriteThenRead_GivesBackTheSameTicks(long ticks)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            new DurationJsonConverter().Write(writer, TimeSpan.FromTicks(ticks), JsonSerializerOptions.Default);
        }

        Assert.Equal(ticks, ReadDuration(Encoding.UTF8.GetString(buffer.WrittenSpan)).Ticks);
    }

    private static TimeSpan ReadDuration(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return new DurationJsonConverter().Read(ref reader, typeof(TimeSpan), JsonSerializerOptions.Default);
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
              "admin": {}, "access_log": {}, "log": {}, "file_provider": {}
            }
            """;
        var expected = new GatewayConfig
        {
            Entrypoints = [new EntrypointConfig("web", "127.0.0.1:8080")],
            Routers = [new RouterConfig("r", "PathPrefix(`/`)", "s")],
            Services = [new ServiceConfig("s", [new DestinationConfig("127.0.0.1:9000")]) { LoadBalancing = new LoadBalancingConfig { StickySession = new StickySessionConfig("c") } }],
            Admin = new AdminConfig(),
            AccessLog = new AccessLogConfig(),
            Log = new LogConfig(),
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
