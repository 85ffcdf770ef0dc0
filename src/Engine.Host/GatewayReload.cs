using Engine.Host.Configuration;

namespace Engine.Host;

/// <summary>
/// Where the host hands each reload attempt of the <see cref="ConfigWatcher"/> (a file change or
/// SIGHUP) to the running <see cref="Gateway"/>. A loaded config goes to
/// <see cref="Gateway.ReloadAsync(Engine.Core.Configuration.GatewayConfig, string, CancellationToken)"/>,
/// which compiles and swaps it or refuses it; files that did not load go to
/// <see cref="Gateway.RecordRefusedReload"/>. Either way the gateway records the outcome, so that
/// <c>engine_config_reloads_total</c> and <c>/api/gateway/health</c> see every attempt.
/// </summary>
internal static class GatewayReload
{
    /// <summary>Records or applies <paramref name="attempt"/>; throws when the gateway refused a loaded config, so the watcher logs it as not applied.</summary>
    public static async Task ApplyAsync(Gateway gateway, ConfigReloadAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(attempt);
        if (attempt.Loaded is not { } loaded)
        {
            gateway.RecordRefusedReload(attempt.Source, attempt.Errors);
            return;
        }

        ReloadResult result = await gateway.ReloadAsync(loaded.Config, attempt.Source).ConfigureAwait(false);
        if (!result.Success)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors));
        }
    }
}
