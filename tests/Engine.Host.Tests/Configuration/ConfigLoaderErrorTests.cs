using Engine.Core.Configuration;

namespace Engine.Host.Tests.Configuration;

public sealed class ConfigLoaderErrorTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Load_RouterNamingMissingService_ReportsLocationAndSuggestion()
    {
        _files.Write("gateway.toml", """
            [entrypoints.web]
            address = "127.0.0.1:18000"

            [routers.api]
            rule = "PathPrefix(`/api`)"
              service = "api-servce"

            [services.api-service.load_balancer]
            [[services.api-service.load_balancer.servers]]
            url = "http://127.0.0.1:18001"
            """);

        GatewayConfigException failure = _files.Failure();

        Assert.Equal(["gateway.toml:6:3: routers.api.service: no service named 'api-servce'; did you mean 'api-service'?"], failure.Errors.Select(_files.Relative));
        Assert.Equal([new ConfigProblem("routers.api.service", "no service named 'api-servce'; did you mean 'api-service'?")], failure.Problems);
    }

    [Fact]
    public void Load_NoEntrypointInAnyFile_IsAnError()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal.Replace("[entrypoints.web]\naddress = \"127.0.0.1:18000\"\n", "", StringComparison.Ordinal));

        Assert.Equal(["entrypoints: the configuration defines no entrypoint, so the engine would serve nothing; add an [entrypoints.NAME] table with an address."], _files.Errors());
    }

    [Fact]
    public void Load_UnknownKey_ReportsItsLineColumnAndTheClosestKnownKey()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + """
            [services.app.load_balancer.pool]
            max_conections = 10
            """);

        Assert.Equal(["gateway.toml:12:1: services.app.load_balancer.pool.max_conections: unknown key 'max_conections'; did you mean 'max_connections'?"], _files.Errors());
    }

    [Fact]
    public void Load_UnknownTopLevelKeyWithNothingClose_SaysOnlyThatItIsUnknown()
    {
        _files.Write("gateway.toml", "log_level = \"debug\"\n" + ConfigFiles.Minimal);

        Assert.Equal(["gateway.toml:1:1: log_level: unknown key 'log_level'."], _files.Errors());
    }

    [Theory]
    [InlineData("priority = \"high\"", "gateway.toml:7:12: routers.app.priority: expected an integer, found the string \"high\".")]
    [InlineData("entrypoints = \"web\"", "gateway.toml:7:15: routers.app.entrypoints: expected an array of strings, found the string \"web\".")]
    [InlineData("entrypoints = [\"web\", 3]", "gateway.toml:7:23: routers.app.entrypoints[1]: expected a string, found an integer (3).")]
    [InlineData("priority = 3000000000", "gateway.toml:7:12: routers.app.priority: 3000000000 is out of range; expected -2147483648 to 2147483647.")]
    public void Load_WrongType_SaysWhatWasExpectedAndWhatWasFound(string routerLine, string error)
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal.Replace("service = \"app\"\n", "service = \"app\"\n" + routerLine + "\n", StringComparison.Ordinal));

        Assert.Equal([error], _files.Errors());
    }

    [Theory]
    [InlineData("keep_alive = \"30\"", "gateway.toml:12:14: entrypoints.web.timeouts.keep_alive: '30' has no unit; write \"30s\" for seconds (or ms, m, h, d).")]
    [InlineData("keep_alive = \"soon\"", "gateway.toml:12:14: entrypoints.web.timeouts.keep_alive: 'soon' is not a duration such as \"30s\", \"500ms\", \"1m30s\" or \"2h\", or an integer number of seconds.")]
    [InlineData("keep_alive = -9223372036854775808", "gateway.toml:12:14: entrypoints.web.timeouts.keep_alive: -9223372036854775808 seconds is too long a duration.")]
    [InlineData("keep_alive = true", "gateway.toml:12:14: entrypoints.web.timeouts.keep_alive: expected a duration such as \"30s\", \"500ms\", \"1m30s\" or \"2h\", or an integer number of seconds, found a boolean (true).")]
    public void Load_BadDuration_SaysHowToWriteOne(string line, string error)
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + "[entrypoints.web.timeouts]\n" + line + "\n");

        Assert.Equal([error], _files.Errors());
    }

    [Theory]
    [InlineData("max_request_head_size = \"10m\"", "gateway.toml:12:25: entrypoints.web.limits.max_request_head_size: '10m' has an unknown unit 'm'; use B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024).")]
    [InlineData("max_request_head_size = \"4GiB\"", "gateway.toml:12:25: entrypoints.web.limits.max_request_head_size: 4294967296 bytes is too large; at most 2147483647 (2147483647B).")]
    [InlineData("max_request_head_size = -3000000000", "gateway.toml:12:25: entrypoints.web.limits.max_request_head_size: -3000000000 is out of range; expected at least -2147483648.")]
    [InlineData("max_request_head_size = 1.5", "gateway.toml:12:25: entrypoints.web.limits.max_request_head_size: expected a size such as \"512KiB\", \"10MiB\" or \"1MB\", or an integer number of bytes, found a float (1.5).")]
    public void Load_BadSize_SaysHowToWriteOne(string line, string error)
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + "[entrypoints.web.limits]\n" + line + "\n");

        Assert.Equal([error], _files.Errors());
    }

    [Fact]
    public void Load_UnsetVariableWithoutDefault_ReportsAtTheValue()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + "[admin]\ntoken = \"Bearer ${ENGINE_TEST_NEVER_SET}\"\n");

        Assert.Equal(["gateway.toml:12:9: admin.token: environment variable ENGINE_TEST_NEVER_SET is not set; set it, or give a default as ${ENGINE_TEST_NEVER_SET:-default}."], _files.Errors());
    }

    [Fact]
    public void Load_SyntaxError_IsReportedWithTheParsersLocation()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + "[admin\n");

        Assert.Equal(["gateway.toml:11:7: expected '.' or ']' after \"admin\" in table header, found end of line."], _files.Errors());
    }

    [Fact]
    public void Load_MissingPath_SaysSo()
    {
        Assert.Equal(["nowhere.toml: no such file or directory."], _files.Errors("nowhere.toml"));
    }

    [Fact]
    public void Load_SeveralProblems_ReportsEveryOneInFileOrder()
    {
        _files.Write("gateway.toml", """
            drain_timeout = "-"

            [entrypoints.web]
            adress = "127.0.0.1:18000"
            protocol = "http"

            [routers.api]
            rule = "Hots(`example.com`)"
            service = "api"
            entrypoints = ["wbe"]

            [services.api.load_balancer]
            strategy = "round_robbin"
            [[services.api.load_balancer.servers]]
            url = "http://127.0.0.1:18001"
            weight = 0
            """);

        Assert.Equal(
        [
            "gateway.toml:1:17: drain_timeout: '-' is not a duration such as \"30s\", \"500ms\", \"1m30s\" or \"2h\", or an integer number of seconds.",
            "gateway.toml:3:14: entrypoints.web.address: is required.",
            "gateway.toml:4:1: entrypoints.web.adress: unknown key 'adress'; did you mean 'address'?",
            "gateway.toml:8:1: routers.api.rule: " + RuleError("Hots(`example.com`)"),
            "gateway.toml:10:16: routers.api.entrypoints[0]: no entrypoint named 'wbe'; did you mean 'web'?",
            "gateway.toml:13:1: services.api.load_balancer.strategy: unknown strategy 'round_robbin'; known: consistent_hash, least_connections, power_of_two_choices, random, round_robin, weighted_round_robin; did you mean 'round_robin'?",
            "gateway.toml:16:1: services.api.load_balancer.servers[0].weight: must be positive, not 0.",
        ], _files.Errors());
    }

    private static string RuleError(string rule)
    {
        var problems = GatewayConfigValidator.Validate(new GatewayConfig { Routers = [new RouterConfig("api", rule, "api")] });
        return problems.Single(p => p.KeyPath == "routers.api.rule").Message;
    }
}
