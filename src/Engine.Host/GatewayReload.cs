using Engine.Core.Configuration;

namespace Engine.Host;

/// <summary>
/// Where the host hands a reloaded configuration to the running <see cref="Gateway"/>. The
/// watcher has already validated it; applying it (new listeners opened, removed ones drained,
/// routes and pools swapped through one snapshot reference) is the gateway's job.
/// </summary>
internal static class GatewayReload
{
    /// <remarks>
    /// Gateway.ReloadAsync is not in this build yet, so nothing can be swapped while running. The
    /// exception says so, and the watcher logs it and keeps the running configuration: a valid
    /// edit is never reported as applied when it was not.
    /// </remarks>
    public static Task ApplyAsync(Gateway gateway, GatewayConfig next)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(next);
        throw new NotSupportedException("this build cannot apply a new configuration while running (it lands with Gateway.ReloadAsync); restart the engine to use it.");
    }
}
