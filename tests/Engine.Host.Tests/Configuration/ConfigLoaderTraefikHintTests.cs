namespace Engine.Host.Tests.Configuration;

/// <summary>Keys written the Traefik way get a located hint naming what to write here instead.</summary>
public sealed class ConfigLoaderTraefikHintTests : IDisposable
{
    private const string CamelCaseNote = "(keys here are snake_case, not Traefik's camelCase)";

    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Load_TraefikDynamicFile_NamesTheKeyToWriteForEachTraefikKey()
    {
        _files.Write("gateway.toml", """
            [entryPoints.web]
            address = ":18000"

            [http.routers.api]
            rule = "PathPrefix(`/api`)"
            service = "api"
            entryPoints = ["web"]

            [http.services.api.loadBalancer]
            [[http.services.api.loadBalancer.servers]]
            url = "http://127.0.0.1:18001"

            [api]
            dashboard = true

            [accessLog]
            """);

        Assert.Equal(
        [
            "entrypoints: the configuration defines no entrypoint, so the engine would serve nothing; add an [entrypoints.NAME] table with an address.",
            $"gateway.toml:1:2: entryPoints: unknown key 'entryPoints'; did you mean 'entrypoints'? {CamelCaseNote}",
            "gateway.toml:4:2: http: this engine has no 'http' level; write [routers.NAME], [services.NAME] and [middlewares.NAME] at the top level (Traefik's [http.routers.NAME] is [routers.NAME] here).",
            "gateway.toml:13:2: api: the management API is [admin] here, with an address and an optional token (Traefik's [api]).",
            $"gateway.toml:16:2: accessLog: unknown key 'accessLog'; did you mean 'access_log'? {CamelCaseNote}",
        ], _files.Errors());
    }

    [Theory]
    [InlineData("[tcp.routers.db]\nservice = \"db\"\n", "gateway.toml:11:2: tcp: TCP routers and services are not supported yet; this engine routes HTTP only.")]
    [InlineData("[udp.services.dns]\n", "gateway.toml:11:2: udp: UDP routers and services are not supported yet; this engine routes HTTP only.")]
    [InlineData("[metrics.prometheus]\n", "gateway.toml:11:2: metrics: Prometheus metrics are served by the admin API at /metrics; add an [admin] table (Traefik's [metrics.prometheus]).")]
    [InlineData("[ping]\n", "gateway.toml:11:2: ping: the admin API answers health checks at /api/gateway/health; add an [admin] table (Traefik's [ping]).")]
    [InlineData("[providers.docker]\n", "gateway.toml:11:12: providers.docker: unknown key 'docker'; the file provider, [providers.file], is the only one here.")]
    [InlineData("[entrypoints.web.http]\nmiddlewares = [\"h\"]\n", "gateway.toml:11:18: entrypoints.web.http: an entrypoint's middlewares are written directly in it here: middlewares = [\"NAME\"] (Traefik's entryPoints.NAME.http.middlewares).")]
    [InlineData("[entrypoints.web.transport.respondingTimeouts]\n", "gateway.toml:11:18: entrypoints.web.transport: timeouts of client connections are [entrypoints.NAME.timeouts] here (Traefik's transport.respondingTimeouts).")]
    [InlineData("[services.app.load_balancer.healthCheck]\n", "gateway.toml:11:29: services.app.load_balancer.healthCheck: active health checks are not supported yet.")]
    [InlineData("[services.app.load_balancer.sticky.cookie]\nhttpOnly = true\n", $"gateway.toml:12:1: services.app.load_balancer.sticky.cookie.httpOnly: unknown key 'httpOnly'; did you mean 'http_only'? {CamelCaseNote}")]
    public void Load_TraefikKey_GetsALocatedHint(string appended, string error)
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + appended);

        Assert.Equal([error], _files.Errors());
    }

    [Theory]
    [InlineData("passHostHeader = false", "services.app.load_balancer.passHostHeader: there is no such setting here: the client's Host header is always passed to the servers, as Traefik's default passHostHeader = true does.")]
    [InlineData("serversTransport = \"slow\"", "services.app.load_balancer.serversTransport: settings for connections to servers are [services.NAME.load_balancer.pool] here (Traefik's serversTransport).")]
    [InlineData("maglevTableSize = 7", $"services.app.load_balancer.maglevTableSize: unknown key 'maglevTableSize'; did you mean 'maglev_table_size'? {CamelCaseNote}")]
    public void Load_TraefikKeyInALoadBalancer_GetsALocatedHint(string line, string error)
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal.Replace("[services.app.load_balancer]\n", $"[services.app.load_balancer]\n{line}\n", StringComparison.Ordinal));

        Assert.Equal(["gateway.toml:9:1: " + error], _files.Errors());
    }

    [Fact]
    public void Load_CamelCaseKeyWithNoSnakeCaseTwin_IsPlainlyUnknown()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal.Replace("service = \"app\"\n", "service = \"app\"\nruleSyntax = \"v3\"\n", StringComparison.Ordinal));

        Assert.Equal(["gateway.toml:7:1: routers.app.ruleSyntax: unknown key 'ruleSyntax'."], _files.Errors());
    }

    [Fact]
    public void Load_MisspelledProvider_IsSuggestedRatherThanHinted()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + "[providers.files]\n");

        Assert.Equal(["gateway.toml:11:12: providers.files: unknown key 'files'; did you mean 'file'?"], _files.Errors());
    }
}
