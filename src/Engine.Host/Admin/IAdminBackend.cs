using System.Buffers;
using Engine.Core.Configuration;

namespace Engine.Host.Admin;

/// <summary>
/// What the admin API needs from the engine it administers. <c>Gateway</c> implements it; the
/// admin server only reads through it and hands it new configs, so the API can be tested (and
/// embedded) without a running proxy.
/// </summary>
/// <remarks>
/// Every member may be called from any thread, concurrently with requests and reloads: the
/// implementation answers from its current immutable snapshot, never from a half-applied one.
/// </remarks>
public interface IAdminBackend
{
    /// <summary>The config the running snapshot was built from, secrets included (the API redacts them).</summary>
    GatewayConfig CurrentConfig { get; }

    /// <summary>True once a config is loaded and every entrypoint listens; false before that and while draining.</summary>
    bool IsReady { get; }

    /// <summary>Entrypoint names of the running snapshot, in config order.</summary>
    IReadOnlyList<string> EntrypointNames { get; }

    /// <summary>A point-in-time view for <c>GET /api/gateway/health</c>.</summary>
    AdminHealth GetHealth();

    /// <summary>Router names of an entrypoint in evaluation order (highest priority first); empty for an unknown name.</summary>
    IReadOnlyList<string> RouterOrder(string entrypoint);

    /// <summary>A text dump of an entrypoint's compiled route table.</summary>
    string DescribeRoutes(string entrypoint);

    /// <summary>
    /// Validates <paramref name="config"/> (<see cref="GatewayConfigValidator"/>), compiles it and
    /// swaps it in atomically. On any problem nothing changes and the result lists every problem,
    /// one line each; it does not throw for an invalid config.
    /// </summary>
    /// <param name="cancellationToken">
    /// Fires when the admin server stops. It may end a wait before the swap starts (for a reload
    /// lock, say); a swap under way should complete, since the server waits for this call and
    /// then answers the client before it closes.
    /// </param>
    Task<AdminApplyResult> ApplyConfigAsync(GatewayConfig config, CancellationToken cancellationToken);

    /// <summary>Writes every metric in the Prometheus text exposition format 0.0.4 (UTF-8).</summary>
    void WriteMetrics(IBufferWriter<byte> output);
}
