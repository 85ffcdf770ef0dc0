using Engine.Core.Configuration;

namespace Engine.Host;

/// <summary>
/// Where the host hands a reloaded configuration to the running <see cref="Gateway"/>. The
/// watcher has already validated it; <see cref="Gateway.ReloadAsync"/> compiles and swaps it,
/// or refuses it (an address that cannot be bound, an access log that cannot be opened).
/// </summary>
internal static class GatewayReload
{
    /// <summary>Applies <paramref name="next"/>; throws when the gateway refused it, so the watcher reports it as not applied.</summary>
    public static async Task ApplyAsync(Gateway gateway, GatewayConfig next)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(next);
        ReloadResult result = await gateway.ReloadAsync(next, "file").ConfigureAwait(false);
        if (!result.Success)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors));
        }
    }
}
