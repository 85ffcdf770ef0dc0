using System.Buffers;
using System.Net;
using Engine.Core.Configuration;
using Engine.Host.Admin;
using Engine.Host.Configuration;
using Engine.Host.Metrics;
using Microsoft.Extensions.Logging;

namespace Engine.Host;

/// <summary>The gateway as the admin API sees it, and the admin listener's life next to the entrypoints'.</summary>
public sealed partial class Gateway : IAdminBackend
{
    private readonly ReloadMetrics _reloadMetrics = new();
    private AdminServer? _admin;
    private AdminConfig? _adminConfig;
    private Task _adminChange = Task.CompletedTask;

    /// <summary>Where the admin API listens; null when it is off (or moving after a reload).</summary>
    public IPEndPoint? AdminEndPoint => Volatile.Read(ref _admin)?.EndPoint;

    /// <summary>Writes every metric family as Prometheus text (what <c>GET /metrics</c> serves).</summary>
    public void WriteMetrics(IBufferWriter<byte> output) =>
        GatewayMetricsExporter.Write(output, _metrics, _runtime?.Current, _reloadMetrics, _runtime?.AccessLog);

    GatewayConfig IAdminBackend.CurrentConfig => _config;

    bool IAdminBackend.IsReady => _state == GatewayState.Running;

    IReadOnlyList<string> IAdminBackend.EntrypointNames => [.. Entrypoints.Select(e => e.Config.Name)];

    AdminHealth IAdminBackend.GetHealth()
    {
        GatewayHealth health = GetHealth();
        return new AdminHealth(
            health.State,
            health.Uptime,
            SnapshotVersion,
            AdminReloadStatus.From(_lastReload),
            AdminReloadStatus.From(_lastSuccessfulReload),
            health.Entrypoints,
            health.Requests,
            health.RejectedRequests,
            health.UpstreamErrors);
    }

    IReadOnlyList<string> IAdminBackend.RouterOrder(string entrypoint) => Snapshot.RouterOrder(entrypoint);

    string IAdminBackend.DescribeRoutes(string entrypoint) => Snapshot.DescribeRoutes(entrypoint);

    async Task<AdminApplyResult> IAdminBackend.ApplyConfigAsync(GatewayConfig config, CancellationToken cancellationToken)
    {
        ReloadResult result = await ReloadAsync(config, "admin_api", cancellationToken).ConfigureAwait(false);
        if (!result.Success)
        {
            return AdminApplyResult.Failure(result.Errors);
        }

        // Logged once here, as a file load logs its own (a file reload reaches ReloadAsync too,
        // so logging there would say them twice); without a file there is no location to give.
        foreach (ConfigProblem warning in GatewayConfigValidator.FindWarnings(config))
        {
            HostLog.ConfigWarning(_log, ConfigLoader.Render(new LocatedProblem(null, warning)));
        }

        return AdminApplyResult.Success(result.Version);
    }

    /// <summary>Opens the admin listener at start; a bind failure fails the start like an entrypoint's.</summary>
    private void StartAdmin(AdminConfig? config)
    {
        _adminConfig = config;
        if (config is not null)
        {
            Volatile.Write(ref _admin, BindAdmin(config));
        }
    }

    /// <exception cref="ListenException">The admin address cannot be bound.</exception>
    private AdminServer BindAdmin(AdminConfig config)
    {
        try
        {
            return AdminServer.Start(config, this, _loggerFactory.CreateLogger("Engine.Admin"));
        }
        catch (Exception ex) when (ListenException.IsBindFailure(ex))
        {
            throw ListenException.For("the admin API", config.Address, config.ReusePort, ex, settingTable: " in [admin]");
        }
    }

    /// <summary>
    /// Moves the admin listener to <paramref name="next"/> when its settings changed. It runs in
    /// the background: a PUT through the old listener is itself waiting on the reload that calls
    /// this, and stopping that listener waits for the PUT. A failure to bind is logged; the
    /// proxy's own reload has already succeeded.
    /// </summary>
    private void ApplyAdmin(AdminConfig? next)
    {
        if (Equals(_adminConfig, next))
        {
            return;
        }

        _adminConfig = next;
        AdminServer? old = Interlocked.Exchange(ref _admin, null);
        Task previous = _adminChange;
        _adminChange = Task.Run(async () =>
        {
            await previous.ConfigureAwait(false);
            if (old is not null)
            {
                await old.StopAsync().ConfigureAwait(false);
            }
            if (next is not null && _state == GatewayState.Running)
            {
                try
                {
                    Volatile.Write(ref _admin, BindAdmin(next));
                }
                catch (ListenException ex)
                {
                    HostLog.AdminListenFailed(_log, ex.Message);
                }
            }
        });
    }

    private async Task StopAdminAsync()
    {
        await _adminChange.ConfigureAwait(false);
        if (Interlocked.Exchange(ref _admin, null) is { } admin)
        {
            await admin.StopAsync().ConfigureAwait(false);
        }
    }
}
