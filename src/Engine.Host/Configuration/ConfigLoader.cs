using Engine.Core.Configuration;
using Engine.Host.Configuration.Toml;
using Engine.Http.Middlewares;

namespace Engine.Host.Configuration;

/// <summary>A loaded configuration and what it was read from, for a watcher to watch.</summary>
/// <param name="Files">Full paths of every file read.</param>
/// <param name="Directories">Full paths of the directories whose <c>*.toml</c> files were merged in: a new file there changes the config too.</param>
public sealed record LoadedConfig(GatewayConfig Config, IReadOnlyList<string> Files, IReadOnlyList<string> Directories)
{
    /// <summary>
    /// What the config says that is probably not meant (<see cref="GatewayConfigValidator.FindWarnings"/>),
    /// rendered like errors: <c>file:line:column: warning: key.path: message</c>.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>
/// Loads a <see cref="GatewayConfig"/> from TOML: a file, or a directory of <c>*.toml</c> files,
/// with what they include (docs/configuration.md). Every problem is reported at once, as
/// <c>file:line:column: key.path: message</c>: TOML syntax (the first error of each file), unknown
/// keys, wrong types, unset variables, and then what <see cref="GatewayConfigValidator"/> and the
/// <see cref="MiddlewareRegistry"/> find, located through the key paths recorded while binding.
/// A config that loads may still carry warnings, located the same way.
/// </summary>
public static class ConfigLoader
{
    /// <exception cref="GatewayConfigException">The files cannot be read or do not make a valid config.</exception>
    public static LoadedConfig Load(string path) => Load(path, Environment.GetEnvironmentVariable);

    /// <param name="environment">Reads a variable for <c>${NAME}</c>; null when unset.</param>
    public static LoadedConfig Load(string path, Func<string, string?> environment) => Load(path, environment, wholeConfiguration: true);

    /// <param name="wholeConfiguration">
    /// False for a fragment (a documentation snippet that shows one table): syntax, keys, values
    /// and middleware options are judged, but not what only a whole configuration must have
    /// (entrypoints, the services its routers name).
    /// </param>
    internal static LoadedConfig Load(string path, Func<string, string?> environment, bool wholeConfiguration)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(environment);
        var context = new BindingContext(environment);

        // :: Step 1: find and parse every file; a syntax error stops only its own file.
        var source = new ConfigSource(context);
        source.Read(path);

        // :: Step 2: bind, merging the files by name.
        GatewayConfig config = new GatewayConfigBinder(context).Bind(source.Files);

        // :: Step 3: judge the whole. Deliberately skipped when a file could not be parsed: its
        // routers and services are missing, and every reference to them would be a false alarm.
        // The middleware registry judges each middleware's type and keys, which only the type
        // knows (the validator cannot see the types: they live in Engine.Http).
        if (!source.HasUnreadableFiles)
        {
            IEnumerable<ConfigProblem> whole = wholeConfiguration ? GatewayConfigValidator.Validate(config) : [];
            foreach (ConfigProblem problem in whole.Concat(MiddlewareRegistry.Default.Validate(config)))
            {
                if (!context.WasReported(problem.KeyPath))
                {
                    context.Problems.Add(new LocatedProblem(context.Locate(problem.KeyPath), problem));
                }
            }
        }

        if (context.Problems.Count > 0)
        {
            LocatedProblem[] errors = InReadingOrder(context.Problems, source.FilesRead);
            throw new GatewayConfigException([.. errors.Select(p => p.Problem)], [.. errors.Select(Render)]);
        }

        // :: Step 4: warnings, only for a config that loads (beside errors they mostly repeat them).
        List<LocatedProblem> warnings = GatewayConfigValidator.FindWarnings(config).Select(w => new LocatedProblem(context.Locate(w.KeyPath), w)).ToList();
        return new LoadedConfig(config, source.FilesRead, source.Directories)
        {
            Warnings = [.. InReadingOrder(warnings, source.FilesRead).Select(Render)],
        };
    }

    /// <summary>
    /// "file:line:column: key.path: message", or without the location when there is none; a
    /// warning says so after the location, as compilers do, so tools that jump to
    /// "file:line:column:" still find it.
    /// </summary>
    internal static string Render(LocatedProblem problem)
    {
        string text = problem.Problem.IsWarning ? $"warning: {problem.Problem}" : problem.Problem.ToString();
        return problem.Position is { } position ? $"{position}: {text}" : text;
    }

    /// <summary>Problems in reading order: unlocated ones (missing files) first, then by file, line and column.</summary>
    private static LocatedProblem[] InReadingOrder(List<LocatedProblem> problems, List<string> files)
    {
        int FileIndex(TomlPosition? position)
        {
            if (position?.FileName is not { } name)
            {
                return -1;
            }

            int index = files.IndexOf(Path.GetFullPath(name));
            return index < 0 ? int.MaxValue : index;
        }

        return [.. problems
            .OrderBy(p => FileIndex(p.Position))
            .ThenBy(p => p.Position?.Line ?? 0)
            .ThenBy(p => p.Position?.Column ?? 0)];
    }
}
