namespace Engine.Core.Configuration;

/// <summary>
/// Sends requests that match <see cref="Rule"/> (the Traefik v3 rule language, e.g.
/// <c>Host(`api.example.com`) &amp;&amp; PathPrefix(`/v1`)</c>) to <see cref="Service"/>. Among
/// matching routers the highest <see cref="Priority"/> wins; the default priority is the rule's
/// length, and ties go to the router whose name sorts first.
/// </summary>
public sealed record RouterConfig(string Name, string Rule, string Service)
{
    /// <summary>Explicit priority; null or 0 means the rule's length (Traefik's default).</summary>
    public int? Priority { get; init; }

    /// <summary>Entrypoints this router serves; empty means every entrypoint.</summary>
    public IReadOnlyList<string> Entrypoints { get; init; } = [];

    /// <summary>
    /// Names of <see cref="GatewayConfig.Middlewares"/> this router's requests pass through, in
    /// order, after the entrypoint's <see cref="EntrypointConfig.Middlewares"/>.
    /// </summary>
    public IReadOnlyList<string> Middlewares { get; init; } = [];

    // A record compares lists by reference; routers that list the same names are equal.
    public bool Equals(RouterConfig? other) =>
        other is not null && Name == other.Name && Rule == other.Rule && Service == other.Service && Priority == other.Priority &&
        Entrypoints.SequenceEqual(other.Entrypoints) && Middlewares.SequenceEqual(other.Middlewares);

    public override int GetHashCode() => HashCode.Combine(Name, Rule, Service, Priority);

    /// <summary>A router that matches every request, for single-service setups.</summary>
    public static RouterConfig CatchAll(string name, string service) => new(name, "PathPrefix(`/`)", service);
}
