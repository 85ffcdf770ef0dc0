namespace Engine.Core.Configuration;

/// <summary>
/// Sends requests whose host and path match to a service. <see cref="Host"/> null matches any
/// host; the longest matching <see cref="PathPrefix"/> wins among routes of the same host, and a
/// route with a host wins over one without.
/// </summary>
public sealed record RouteConfig(string Name, string Service)
{
    public string? Host { get; init; }

    public string PathPrefix { get; init; } = "/";

    /// <summary>Entrypoints this route serves; empty means all.</summary>
    public IReadOnlyList<string> Entrypoints { get; init; } = [];
}
