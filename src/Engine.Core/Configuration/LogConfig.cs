using Microsoft.Extensions.Logging;

namespace Engine.Core.Configuration;

/// <summary>
/// The application log (what the engine says about itself: start-up, reloads, upstream
/// failures, and at debug level where each request went), not the access log. Applied on
/// reload: a new level or format takes effect for the next line.
/// </summary>
public sealed record LogConfig
{
    /// <summary>The least severe level written: one of <see cref="LogLevels.Names"/>, any case. The command line's --log-level wins over it.</summary>
    public string Level { get; init; } = "info";

    /// <summary>"text" (one readable line each) or "json" (one object per line).</summary>
    public string Format { get; init; } = "text";

    /// <summary>A file path (appended to), "stdout" or "stderr".</summary>
    public string File { get; init; } = "stdout";
}

/// <summary>The level names the config file and the command line accept, any case.</summary>
public static class LogLevels
{
    /// <summary>The names listed in messages, in order of severity.</summary>
    public static IReadOnlyList<string> Names { get; } = ["trace", "debug", "info", "warn", "error", "critical", "none"];

    /// <summary>Microsoft.Extensions.Logging's names, plus the short forms other tools use (info, warn, err).</summary>
    public static bool TryParse(string? name, out LogLevel level)
    {
        LogLevel? parsed = name?.ToLowerInvariant() switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "info" or "information" => LogLevel.Information,
            "warn" or "warning" => LogLevel.Warning,
            "err" or "error" => LogLevel.Error,
            "critical" => LogLevel.Critical,
            "none" => LogLevel.None,
            _ => null,
        };
        level = parsed ?? default;
        return parsed.HasValue;
    }

    /// <summary>"trace, debug, info, warn, error, critical or none", for messages.</summary>
    public static string Listed => string.Join(", ", Names.Take(Names.Count - 1)) + " or " + Names[^1];
}
