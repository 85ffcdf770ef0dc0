using System.Buffers;
using System.Text;
using Engine.Core.Configuration;
using Engine.Host.Admin;

namespace Engine.Host.Tests.Admin;

/// <summary>An <see cref="IAdminBackend"/> that validates like the gateway does and records what it was given.</summary>
internal sealed class FakeAdminBackend : IAdminBackend
{
    private readonly Lock _lock = new();
    private GatewayConfig _config;
    private long _version = 1;

    public FakeAdminBackend(GatewayConfig? config = null) => _config = config ?? DefaultConfig();

    public GatewayConfig CurrentConfig
    {
        get { lock (_lock) { return _config; } }
    }

    public bool IsReady { get; set; } = true;

    public IReadOnlyList<string> EntrypointNames => [.. CurrentConfig.Entrypoints.Select(e => e.Name)];

    /// <summary>Every config handed to <see cref="ApplyConfigAsync"/>, valid or not.</summary>
    public List<GatewayConfig> Received { get; } = [];

    /// <summary>Thrown from every member that a request reaches, to test the 500 path.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Awaited inside <see cref="ApplyConfigAsync"/>, to hold an apply open.</summary>
    public Task ApplyGate { get; set; } = Task.CompletedTask;

    public static GatewayConfig DefaultConfig() => new()
    {
        Entrypoints = [new EntrypointConfig("web", "127.0.0.1:8080"), new EntrypointConfig("internal", "127.0.0.1:8081")],
        Services = [new ServiceConfig("api", [new DestinationConfig("http://127.0.0.1:9000")])],
        Routers =
        [
            new RouterConfig("site", "PathPrefix(`/`)", "api"),
            new RouterConfig("api", "PathPrefix(`/api`)", "api") { Entrypoints = ["web"] },
        ],
        Admin = new AdminConfig { Address = "127.0.0.1:0", Token = "t0ken" },
    };

    public AdminHealth GetHealth()
    {
        ThrowIfFailing();
        return new AdminHealth(
            GatewayState.Running,
            TimeSpan.FromSeconds(90),
            Interlocked.Read(ref _version),
            new AdminReloadStatus(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), "file", false, ["gateway.toml:3:1: routers.app.service: no service named 'ap'; did you mean 'app'?"]),
            new AdminReloadStatus(new DateTimeOffset(2025, 1, 2, 3, 0, 0, TimeSpan.Zero), "signal", true, []),
            [new EntrypointHealth("web", "127.0.0.1:8080", 3)],
            Requests: 42,
            RejectedRequests: 1,
            UpstreamErrors: 2);
    }

    /// <summary>Routers of the entrypoint, the longer rule first (what the real default priority does).</summary>
    public IReadOnlyList<string> RouterOrder(string entrypoint) =>
        [.. CurrentConfig.Routers.Where(r => r.Entrypoints.Count == 0 || r.Entrypoints.Contains(entrypoint)).OrderByDescending(r => r.Rule.Length).Select(r => r.Name)];

    public string DescribeRoutes(string entrypoint) => $"{entrypoint}: {string.Join(" > ", RouterOrder(entrypoint))}\n";

    public async Task<AdminApplyResult> ApplyConfigAsync(GatewayConfig config, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        lock (_lock)
        {
            Received.Add(config);
        }
        // Like the gateway, a swap under way completes even when the admin server stops; the
        // token would only end a wait before the swap starts.
        cancellationToken.ThrowIfCancellationRequested();
        await ApplyGate;
        IReadOnlyList<ConfigProblem> problems = GatewayConfigValidator.Validate(config);
        if (problems.Count > 0)
        {
            return AdminApplyResult.Failure([.. problems.Select(p => p.ToString())]);
        }
        lock (_lock)
        {
            _config = config;
        }
        return AdminApplyResult.Success(Interlocked.Increment(ref _version));
    }

    public void WriteMetrics(IBufferWriter<byte> output)
    {
        ThrowIfFailing();
        output.Write(Encoding.UTF8.GetBytes("# TYPE engine_requests_total counter\nengine_requests_total 42\n"));
    }

    private void ThrowIfFailing()
    {
        if (Failure != null)
        {
            throw Failure;
        }
    }
}
