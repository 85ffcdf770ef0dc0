using System.Net;
using Engine.Core.Configuration;
using Engine.Http.Proxy;

namespace Engine.Host.Tests.Proxy;

/// <summary>A running gateway in front of given origins, on 127.0.0.1 with a free port.</summary>
internal sealed class ProxyHarness : IAsyncDisposable
{
    private ProxyHarness(Gateway gateway)
    {
        Gateway = gateway;
        EndPoint = gateway.EndPointOf("web");
    }

    public Gateway Gateway { get; }

    public IPEndPoint EndPoint { get; }

    public string Url => $"http://{EndPoint}";

    public ProxyMetrics Metrics => Gateway.Metrics;

    public static async Task<ProxyHarness> StartAsync(
        IEnumerable<string> origins,
        Func<EntrypointConfig, EntrypointConfig>? entrypoint = null,
        Func<UpstreamPoolConfig, UpstreamPoolConfig>? pool = null,
        IReadOnlyList<RouterConfig>? routers = null,
        IReadOnlyList<ServiceConfig>? services = null,
        TimeSpan? drainTimeout = null,
        AdminConfig? admin = null,
        AccessLogConfig? accessLog = null,
        IReadOnlyList<MiddlewareConfig>? middlewares = null)
    {
        var config = new GatewayConfig
        {
            Entrypoints = [(entrypoint ?? (e => e))(new EntrypointConfig("web", "127.0.0.1:0"))],
            Services = services ?? [new ServiceConfig("origin", [.. origins.Select(o => new DestinationConfig(o))]) { Pool = (pool ?? (p => p))(UpstreamPoolConfig.Default) }],
            Routers = routers ?? [RouterConfig.CatchAll("all", "origin")],
            Middlewares = middlewares ?? [],
            DrainTimeout = drainTimeout ?? TimeSpan.FromSeconds(5),
            Admin = admin,
            AccessLog = accessLog,
        };
        var gateway = new Gateway(config);
        await gateway.StartAsync();
        return new ProxyHarness(gateway);
    }

    public async ValueTask DisposeAsync() => await Gateway.StopAsync();
}
