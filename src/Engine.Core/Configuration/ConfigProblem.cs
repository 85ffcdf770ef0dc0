namespace Engine.Core.Configuration;

/// <summary>
/// One thing wrong with a configuration: the key path it concerns, in the config file's own
/// spelling (<c>routers.api.service</c>, <c>services.web.servers[1].url</c>), and what is wrong.
/// A file loader maps <see cref="KeyPath"/> back to a file, line and column.
/// </summary>
public sealed record ConfigProblem(string KeyPath, string Message)
{
    /// <summary>
    /// True for advice (<see cref="GatewayConfigValidator.FindWarnings"/>) rather than an error:
    /// a warning never stops a config from loading.
    /// </summary>
    public bool IsWarning { get; init; }

    public static ConfigProblem Warning(string keyPath, string message) => new(keyPath, message) { IsWarning = true };

    public override string ToString() => KeyPath.Length == 0 ? Message : $"{KeyPath}: {Message}";
}

/// <summary>A configuration that cannot run, with every problem found (not just the first).</summary>
public sealed class GatewayConfigException : Exception
{
    public GatewayConfigException(IReadOnlyList<ConfigProblem> problems)
        : this(problems, problems.Select(p => p.ToString()).ToArray())
    {
    }

    /// <summary>Problems already rendered with their locations (a file loader's "file:line:col: ..." lines).</summary>
    public GatewayConfigException(IReadOnlyList<ConfigProblem> problems, IReadOnlyList<string> renderedErrors)
        : base("Invalid gateway configuration:" + Environment.NewLine + string.Join(Environment.NewLine, renderedErrors.Select(e => "  " + e)))
    {
        Problems = problems;
        Errors = renderedErrors;
    }

    public GatewayConfigException() : this([new ConfigProblem("", "invalid configuration")])
    {
    }

    public GatewayConfigException(string message) : this([new ConfigProblem("", message)])
    {
    }

    public GatewayConfigException(string message, Exception innerException) : base(message, innerException)
    {
        Problems = [new ConfigProblem("", message)];
        Errors = [message];
    }

    public IReadOnlyList<ConfigProblem> Problems { get; }

    /// <summary>Each problem as one line of text, located as precisely as the source allows.</summary>
    public IReadOnlyList<string> Errors { get; }
}
