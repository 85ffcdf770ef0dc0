using Engine.Core.Configuration;

namespace Engine.Host.Tests.Configuration;

/// <summary>
/// Each problem <see cref="GatewayConfigValidator"/> can find, loaded from a file: the error must
/// point at the key it concerns (or its nearest table). '«' in a case marks the expected line and
/// column and is removed before the file is written.
/// </summary>
public sealed class ConfigLoaderSemanticTests : IDisposable
{
    private const string Web = "[entrypoints.web]\naddress = \"127.0.0.1:18000\"\n";
    private const string Router = "[routers.r]\nrule = \"PathPrefix(`/`)\"\nservice = \"s\"\n";
    private const string Service = "[services.s.load_balancer]\n[[services.s.load_balancer.servers]]\nurl = \"http://127.0.0.1:18001\"\n";

    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string, string, string> Cases => new()
    {
        // Entrypoints.
        { Router + Service + "[entrypoints.web]\naddress = \"127.0.0.1:18000\"\n«protocol = \"h3\"\n", "entrypoints.web.protocol", "'h3' is not supported" },
        { Router + Service + "[entrypoints.web]\n«address = \"localhost\"\n", "entrypoints.web.address", "'localhost' is not a listen address" },
        { Router + Service + Web + "[entrypoints.again]\n«address = \"127.0.0.1:18000\"\n", "entrypoints.again.address", "127.0.0.1:18000 is already used by entrypoint 'web'" },
        { Router + Service + Web + "[entrypoints.web.limits]\n«max_request_line_size = 0\n", "entrypoints.web.limits.max_request_line_size", "must be positive, not 0" },
        { Router + Service + Web + "[entrypoints.web.limits]\n«max_request_head_size = -1\n", "entrypoints.web.limits.max_request_head_size", "must be positive, not -1" },
        { Router + Service + Web + "[entrypoints.web.limits]\n«max_request_header_count = 0\n", "entrypoints.web.limits.max_request_header_count", "must be positive, not 0" },
        { Router + Service + Web + "[entrypoints.web.limits]\n«max_request_body_size = -1\n", "entrypoints.web.limits.max_request_body_size", "must not be negative" },
        { Router + Service + Web + "[entrypoints.web.limits]\n«max_response_head_size = \"0B\"\n", "entrypoints.web.limits.max_response_head_size", "must be positive, not 0" },
        { Router + Service + Web + "[entrypoints.web.timeouts]\n«request_header = 0\n", "entrypoints.web.timeouts.request_header", "must be positive" },
        { Router + Service + Web + "[entrypoints.web.timeouts]\n«keep_alive = -5\n", "entrypoints.web.timeouts.keep_alive", "must be positive" },
        { Router + Service + Web + "[entrypoints.web.timeouts]\n«body_idle = \"0s\"\n", "entrypoints.web.timeouts.body_idle", "must be positive" },

        // Admin and access log.
        { Web + Router + Service + "[admin]\n«address = \"nowhere\"\n", "admin.address", "'nowhere' is not a listen address" },
        { Web + Router + Service + "[«admin]\naddress = \"0.0.0.0:18900\"\n", "admin.token", "is required when the admin API listens beyond loopback" },
        { Web + Router + Service + "[access_log]\n«format = \"jsn\"\n", "access_log.format", "'jsn' is not a format; expected json or common; did you mean 'json'?" },
        { Web + Router + Service + "[access_log]\n«path = \" \"\n", "access_log.path", "must name a file or be \"stdout\"" },
        { Web + Router + Service + "[access_log]\n«buffer_size = 0\n", "access_log.buffer_size", "must be positive, not 0" },

        // Load-balancer services.
        { Web + Router + "[services.s.«load_balancer]\nstrategy = \"random\"\n", "services.s.load_balancer.servers", "a load-balancer service needs at least one server" },
        { Web + Router + "[services.«s]\n", "services.s", "needs a [services.s.load_balancer] table with servers, or a [services.s.weighted] table of services" },
        { Web + Router + "[services.s.load_balancer]\n[[services.s.load_balancer.servers]]\n«url = \"https://127.0.0.1:18001\"\n", "services.s.load_balancer.servers[0].url", "'https://127.0.0.1:18001': only http:// destinations are supported" },
        { Web + Router + Service + "[[services.s.load_balancer.servers]]\n«url = \"http://127.0.0.1:18001\"\n", "services.s.load_balancer.servers[1].url", "'http://127.0.0.1:18001' is listed twice in this service" },
        { Web + Router + Service + "«[[services.s.load_balancer.servers]]\n", "services.s.load_balancer.servers[1].url", "is required" },
        { Web + Router + Service + "[[services.s.load_balancer.servers]]\nurl = \"http://127.0.0.1:18002\"\n«weight = -2\n", "services.s.load_balancer.servers[1].weight", "must be positive, not -2" },
        { Web + Router + "[services.s.load_balancer]\n«strategy = \"fastest\"\n[[services.s.load_balancer.servers]]\nurl = \"http://127.0.0.1:18001\"\n", "services.s.load_balancer.strategy", "unknown strategy 'fastest'" },
        { Web + Router + "[services.s.«load_balancer]\nstrategy = \"consistent_hash\"\nmaglev_table_size = 100\n[[services.s.load_balancer.servers]]\nurl = \"http://127.0.0.1:18001\"\n", "services.s.load_balancer", "" },
        { Web + Router + Service + "[services.s.load_balancer.hash_key]\nsource = «\"query\"\n", "services.s.load_balancer.hash_key.source", "'query' is not a hash key source; expected client_ip, header or cookie" },
        { Web + Router + Service + "[services.s.load_balancer.sticky.cookie]\nsame_site = «\"loose\"\n", "services.s.load_balancer.sticky.cookie.same_site", "'loose' is not a SameSite value; expected lax, strict or none" },
        { Web + Router + Service + "[services.s.load_balancer.«sticky]\n", "services.s.load_balancer.sticky.cookie", "sticky sessions need a [services.s.load_balancer.sticky.cookie] table" },
        { Web + Router + Service + "[services.s.load_balancer.pool]\n«max_connections = -1\n", "services.s.load_balancer.pool.max_connections", "must not be negative (0 means no limit)" },
        { Web + Router + Service + "[services.s.load_balancer.pool]\n«max_idle_connections = -1\n", "services.s.load_balancer.pool.max_idle_connections", "must not be negative" },
        { Web + Router + Service + "[services.s.load_balancer.pool]\n«idle_timeout = 0\n", "services.s.load_balancer.pool.idle_timeout", "must be positive" },
        { Web + Router + Service + "[services.s.load_balancer.pool]\n«connect_timeout = \"0ms\"\n", "services.s.load_balancer.pool.connect_timeout", "must be positive" },
        { Web + Router + Service + "[services.s.load_balancer.pool]\n«response_header_timeout = -1\n", "services.s.load_balancer.pool.response_header_timeout", "must be positive" },

        // Weighted services.
        { Web + Router + Service + "[services.w.«weighted]\n", "services.w.weighted.services", "a weighted service needs at least one service" },
        { Web + Router + Service + "[services.w.weighted]\n[[services.w.weighted.services]]\n«name = \"t\"\n", "services.w.weighted.services[0].name", "no service named 't'; did you mean 's'?" },
        { Web + Router + Service + "[services.w.weighted]\n[[services.w.weighted.services]]\nname = \"s\"\n«weight = -1\n[[services.w.weighted.services]]\nname = \"s\"\n", "services.w.weighted.services[0].weight", "must not be negative, not -1" },
        { Web + Router + Service + "[services.w.weighted]\n[[services.w.weighted.«services]]\nname = \"s\"\nweight = 0\n", "services.w.weighted.services", "every weight is 0" },
        { Web + Router + Service + "[services.w.weighted]\n[[services.w.weighted.«services]]\nname = \"w\"\n", "services.w.weighted.services", "weighted services form a cycle: w -> w" },
        { Web + Router + "[services.«s.load_balancer]\n[[services.s.load_balancer.servers]]\nurl = \"http://127.0.0.1:18001\"\n[services.s.weighted]\n[[services.s.weighted.services]]\nname = \"t\"\n" + Service.Replace("services.s.", "services.t.", StringComparison.Ordinal).Replace("18001", "18002", StringComparison.Ordinal), "services.s", "has both load_balancer servers and weighted services" },

        // Routers and the top level.
        { Web + Service + "[routers.r]\n«rule = \"PathPrefix(`/`) &&\"\nservice = \"s\"\n", "routers.r.rule", "" },
        { Web + Service + "[routers.«r]\nservice = \"s\"\n", "routers.r.rule", "is required" },
        { Web + Service + "[routers.r]\nrule = \"PathPrefix(`/`)\"\n«service = \"t\"\n", "routers.r.service", "no service named 't'; did you mean 's'?" },
        { Web + Service + "[routers.r]\nrule = \"PathPrefix(`/`)\"\nservice = \"s\"\nentrypoints = [\"web\", «\"websecure\"]\n", "routers.r.entrypoints[1]", "no entrypoint named 'websecure'" },
        { "«drain_timeout = -1\n" + Web + Router + Service, "drain_timeout", "must not be negative" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_SemanticProblem_IsLocatedAtItsKey(string marked, string keyPath, string messageStart)
    {
        (int line, int column) = Marker(marked);
        _files.Write("gateway.toml", marked.Replace("«", "", StringComparison.Ordinal));

        string error = Assert.Single(_files.Errors());

        Assert.StartsWith($"gateway.toml:{line}:{column}: {keyPath}: {messageStart}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EveryValidatorKeyPath_IsCoveredByACase()
    {
        // The validator's key paths as the cases spell them, so a new check without a located test shows up here.
        string[] covered = [.. Cases.Select(row => Normalize((string)row[1]))];
        string[] expected =
        [
            "entrypoints.*.protocol", "entrypoints.*.address", "entrypoints.*.limits.max_request_line_size",
            "entrypoints.*.limits.max_request_head_size", "entrypoints.*.limits.max_request_header_count",
            "entrypoints.*.limits.max_request_body_size", "entrypoints.*.limits.max_response_head_size",
            "entrypoints.*.timeouts.request_header", "entrypoints.*.timeouts.keep_alive", "entrypoints.*.timeouts.body_idle",
            "admin.address", "admin.token", "access_log.format", "access_log.path", "access_log.buffer_size",
            "services.*.load_balancer.servers", "services.*.load_balancer.servers[].url", "services.*.load_balancer.servers[].weight",
            "services.*.load_balancer.strategy", "services.*.load_balancer", "services.*.load_balancer.pool.max_connections",
            "services.*.load_balancer.pool.max_idle_connections", "services.*.load_balancer.pool.idle_timeout",
            "services.*.load_balancer.pool.connect_timeout", "services.*.load_balancer.pool.response_header_timeout",
            "services.*.weighted.services", "services.*.weighted.services[].name", "services.*.weighted.services[].weight",
            "services.*", "routers.*.rule", "routers.*.service", "routers.*.entrypoints[]", "drain_timeout",
        ];

        Assert.Empty(expected.Except(covered));
    }

    private static string Normalize(string keyPath)
    {
        string[] parts = System.Text.RegularExpressions.Regex.Replace(keyPath, @"\[\d+\]", "[]").Split('.');
        if (parts[0] is "entrypoints" or "routers" or "services" && parts.Length > 1)
        {
            parts[1] = "*";
        }

        return string.Join('.', parts);
    }

    private static (int Line, int Column) Marker(string text)
    {
        int at = text.IndexOf('«', StringComparison.Ordinal);
        Assert.True(at >= 0, "a case must mark where its error points");
        string before = text[..at];
        return (before.Count(c => c == '\n') + 1, at - (before.LastIndexOf('\n') + 1) + 1);
    }
}
