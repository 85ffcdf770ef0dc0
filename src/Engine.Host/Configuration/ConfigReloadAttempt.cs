namespace Engine.Host.Configuration;

/// <summary>
/// One reload the <see cref="ConfigWatcher"/> made: what asked for it, and either the files it
/// loaded or every problem that stopped the load. Failed loads are handed over too, so that
/// whoever applies configs can count and show every attempt, not only those that parsed.
/// </summary>
/// <param name="Source">"file" (a watched file or directory changed) or "signal" (SIGHUP, or <see cref="ConfigWatcher.RequestReload"/>).</param>
/// <param name="Loaded">The new configuration; null when the files do not make one.</param>
/// <param name="Errors">Every problem when <paramref name="Loaded"/> is null, located as <c>file:line:column: key.path: message</c>; empty otherwise.</param>
public sealed record ConfigReloadAttempt(string Source, LoadedConfig? Loaded, IReadOnlyList<string> Errors)
{
    public static ConfigReloadAttempt Succeeded(string source, LoadedConfig loaded) => new(source, loaded, []);

    public static ConfigReloadAttempt Failed(string source, IReadOnlyList<string> errors) => new(source, null, errors);
}
