using Engine.Core.Configuration;

namespace Engine.Host.Configuration;

/// <summary>
/// Hints for unknown keys written the way Traefik writes them. The layout is Traefik's, so its
/// files are a common starting point, and "unknown key 'http'" would leave the reader to guess
/// that this engine simply has no <c>http</c> level. Each hint names what to write instead.
/// </summary>
internal static class TraefikVocabulary
{
    private const string SnakeCaseNote = "(keys here are snake_case, not Traefik's camelCase)";

    /// <summary>
    /// The message for <paramref name="key"/>, unknown in the table at <paramref name="tablePath"/>
    /// (whose keys are <paramref name="knownKeys"/>), when it reads as a Traefik key; null otherwise.
    /// </summary>
    public static string? Hint(string tablePath, string key, IReadOnlyList<string> knownKeys)
    {
        if (PlacedHint(Place(tablePath), key, knownKeys) is { } placed)
        {
            return placed;
        }

        // camelCase: entryPoints, loadBalancer, accessLog, httpOnly, sameSite, maxAge...
        // (entrypoints is one word here, so the plain lower-case form is tried too).
        if (!IsCamelCase(key))
        {
            return null;
        }

        string snake = SnakeCase(key);
        foreach (string candidate in (ReadOnlySpan<string>)[snake, key.ToLowerInvariant()])
        {
            if (knownKeys.Contains(candidate, StringComparer.Ordinal))
            {
                return $"unknown key '{key}'; did you mean '{candidate}'? {SnakeCaseNote}";
            }
        }

        return TomlSection.NotYetSupported(snake);
    }

    private static string? PlacedHint(string place, string key, IReadOnlyList<string> knownKeys) => (place, key) switch
    {
        ("", "http") => "this engine has no 'http' level; write [routers.NAME], [services.NAME] and [middlewares.NAME] at the top level (Traefik's [http.routers.NAME] is [routers.NAME] here).",
        ("", "tcp") => "TCP routers and services are not supported yet; this engine routes HTTP only.",
        ("", "udp") => "UDP routers and services are not supported yet; this engine routes HTTP only.",
        ("", "api") => "the management API is [admin] here, with an address and an optional token (Traefik's [api]).",
        ("", "metrics") => "Prometheus metrics are served by the admin API at /metrics; add an [admin] table (Traefik's [metrics.prometheus]).",
        ("", "ping") => "the admin API answers health checks at /api/gateway/health; add an [admin] table (Traefik's [ping]).",
        ("", "certificatesResolvers") => "TLS, and so ACME certificate resolvers, is not supported yet.",
        ("entrypoints.NAME", "http") => "an entrypoint's middlewares are written directly in it here: middlewares = [\"NAME\"] (Traefik's entryPoints.NAME.http.middlewares).",
        ("entrypoints.NAME", "transport") => "timeouts of client connections are [entrypoints.NAME.timeouts] here (Traefik's transport.respondingTimeouts).",
        ("providers", _) when NameSuggestions.Closest(key, knownKeys) is null => $"unknown key '{key}'; the file provider, [providers.file], is the only one here.",
        (_, "passHostHeader") => "there is no such setting here: the client's Host header is always passed to the servers, as Traefik's default passHostHeader = true does.",
        (_, "serversTransport" or "serversTransports") => "settings for connections to servers are [services.NAME.load_balancer.pool] here (Traefik's serversTransport).",
        _ => null,
    };

    /// <summary>The table path with named tables' names and array indexes replaced: "entrypoints.web" is "entrypoints.NAME".</summary>
    private static string Place(string tablePath)
    {
        string[] parts = tablePath.Split('.');
        if (parts.Length >= 2 && parts[0] is "entrypoints" or "routers" or "services" or "middlewares")
        {
            parts[1] = "NAME";
        }

        return string.Join('.', parts);
    }

    /// <summary>Letters and digits, starting lower-case, with an upper-case letter later on.</summary>
    private static bool IsCamelCase(string key) =>
        key.Length > 1 && char.IsAsciiLetterLower(key[0]) && key.All(char.IsAsciiLetterOrDigit) && key.Any(char.IsAsciiLetterUpper);

    private static string SnakeCase(string key)
    {
        var snake = new System.Text.StringBuilder(key.Length + 4);
        foreach (char c in key)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                snake.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                snake.Append(c);
            }
        }

        return snake.ToString();
    }
}
