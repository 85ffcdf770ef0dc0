using System.Net;
using Engine.Core.Routing;

namespace Engine.Core.Configuration;

/// <summary>
/// Checks a <see cref="GatewayConfig"/> as a whole: names, addresses, references between routers,
/// services, middlewares and entrypoints, rules, balancing settings and limits (a middleware's
/// type and keys are the middleware registry's to judge, in Engine.Http). Every problem is
/// collected, keyed by the path the TOML file uses for it (docs/configuration.md), so a file
/// loader can point at the line. Runs on the config path only.
/// </summary>
public static partial class GatewayConfigValidator
{
    /// <summary>Protocols an entrypoint may name today.</summary>
    public static IReadOnlyList<string> SupportedProtocols { get; } = ["http"];

    public static IReadOnlyList<ConfigProblem> Validate(GatewayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var problems = new List<ConfigProblem>();
        var listenAddresses = new Dictionary<string, string>(StringComparer.Ordinal);
        HashSet<string> entrypoints = ValidateEntrypoints(config, problems, listenAddresses);
        ValidateAdmin(config.Admin, problems, listenAddresses);
        ValidateAccessLog(config.AccessLog, problems);
        ValidateLog(config.Log, problems);
        HashSet<string> services = ValidateServices(config, problems);
        HashSet<string> middlewares = ValidateMiddlewares(config, problems);
        ValidateRouters(config, entrypoints, services, problems);
        ValidateChains(config, middlewares, problems);
        if (config.DrainTimeout < TimeSpan.Zero)
        {
            problems.Add(new("drain_timeout", "must not be negative."));
        }

        return problems;
    }

    /// <summary>Throws <see cref="GatewayConfigException"/> when <see cref="Validate"/> finds anything.</summary>
    public static void ThrowIfInvalid(GatewayConfig config)
    {
        IReadOnlyList<ConfigProblem> problems = Validate(config);
        if (problems.Count > 0)
        {
            throw new GatewayConfigException(problems);
        }
    }

    private static HashSet<string> ValidateEntrypoints(GatewayConfig config, List<ConfigProblem> problems, Dictionary<string, string> addresses)
    {
        // Judged on the whole merged config, the one that would run: a directory may spread
        // entrypoints and routers over files, but together they must listen somewhere.
        if (config.Entrypoints.Count == 0)
        {
            problems.Add(new("entrypoints", "the configuration defines no entrypoint, so the engine would serve nothing; add an [entrypoints.NAME] table with an address."));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (EntrypointConfig entrypoint in config.Entrypoints)
        {
            string key = $"entrypoints.{entrypoint.Name}";
            if (!names.Add(entrypoint.Name))
            {
                problems.Add(new(key, "defined twice."));
            }

            if (!SupportedProtocols.Contains(entrypoint.Protocol, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add(new($"{key}.protocol", $"'{entrypoint.Protocol}' is not supported; supported: {string.Join(", ", SupportedProtocols)}{NameSuggestions.Ending(entrypoint.Protocol, SupportedProtocols)}"));
            }

            CheckListenAddress(entrypoint.Address, $"{key}.address", $"entrypoint '{entrypoint.Name}'", problems, addresses);
            HttpLimitsConfig limits = entrypoint.Limits;
            Positive(limits.MaxRequestLineSize, $"{key}.limits.max_request_line_size", problems);
            Positive(limits.MaxRequestHeadSize, $"{key}.limits.max_request_head_size", problems);
            Positive(limits.MaxRequestHeaderCount, $"{key}.limits.max_request_header_count", problems);
            Positive(limits.MaxResponseHeadSize, $"{key}.limits.max_response_head_size", problems);
            if (limits.MaxRequestBodySize is < 0)
            {
                problems.Add(new($"{key}.limits.max_request_body_size", "must not be negative."));
            }

            DownstreamTimeoutsConfig timeouts = entrypoint.Timeouts;
            Positive(timeouts.RequestHeaderTimeout, $"{key}.timeouts.request_header", problems);
            Positive(timeouts.KeepAliveTimeout, $"{key}.timeouts.keep_alive", problems);
            Positive(timeouts.BodyIdleTimeout, $"{key}.timeouts.body_idle", problems);
            Positive(timeouts.MinRequestBodyRateGrace, $"{key}.timeouts.min_body_rate_grace", problems);
        }

        return names;
    }

    private static void CheckListenAddress(string address, string key, string owner, List<ConfigProblem> problems, Dictionary<string, string> addresses)
    {
        if (!EndpointParser.TryParseListenAddress(address, out EndPoint? endPoint, out string? error))
        {
            problems.Add(new(key, error));
        }
        else if (endPoint is IPEndPoint { Port: > 0 } && !addresses.TryAdd(endPoint.ToString()!, owner))
        {
            problems.Add(new(key, $"{address} is already used by {addresses[endPoint.ToString()!]}."));
        }
    }

    private static void ValidateAdmin(AdminConfig? admin, List<ConfigProblem> problems, Dictionary<string, string> addresses)
    {
        if (admin is null)
        {
            return;
        }

        CheckListenAddress(admin.Address, "admin.address", "the admin API", problems, addresses);
        if (EndpointParser.TryParseListenAddress(admin.Address, out EndPoint? endPoint, out _) &&
            endPoint is IPEndPoint ip && !IPAddress.IsLoopback(ip.Address) && string.IsNullOrEmpty(admin.Token))
        {
            problems.Add(new("admin.token", $"is required when the admin API listens beyond loopback ({admin.Address})."));
        }
    }

    private static void ValidateAccessLog(AccessLogConfig? log, List<ConfigProblem> problems)
    {
        if (log is null)
        {
            return;
        }

        string[] formats = ["json", "common"];
        if (!formats.Contains(log.Format, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add(new("access_log.format", $"'{log.Format}' is not a format; expected json or common{NameSuggestions.Ending(log.Format, formats)}"));
        }

        if (string.IsNullOrWhiteSpace(log.Path))
        {
            problems.Add(new("access_log.path", "must name a file or be \"stdout\"."));
        }

        Positive(log.BufferSize, "access_log.buffer_size", problems);
    }

    private static void ValidateLog(LogConfig? log, List<ConfigProblem> problems)
    {
        if (log is null)
        {
            return;
        }

        if (!LogLevels.TryParse(log.Level, out _))
        {
            problems.Add(new("log.level", $"'{log.Level}' is not a log level; expected {LogLevels.Listed}{NameSuggestions.Ending(log.Level, LogLevels.Names)}"));
        }

        string[] formats = ["text", "json"];
        if (!formats.Contains(log.Format, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add(new("log.format", $"'{log.Format}' is not a format; expected text or json{NameSuggestions.Ending(log.Format, formats)}"));
        }

        if (string.IsNullOrWhiteSpace(log.File))
        {
            problems.Add(new("log.file", "must name a file, or be \"stdout\" or \"stderr\"."));
        }
    }
    private static void ValidateRouters(GatewayConfig config, HashSet<string> entrypoints, HashSet<string> services, List<ConfigProblem> problems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (RouterConfig router in config.Routers)
        {
            string key = $"routers.{router.Name}";
            if (!names.Add(router.Name))
            {
                problems.Add(new(key, "defined twice."));
            }

            try
            {
                RuleParser.Parse(router.Rule ?? "", RuleKind.Http);
            }
            catch (RuleSyntaxException ex)
            {
                problems.Add(new($"{key}.rule", ex.Message));
            }

            if (!services.Contains(router.Service))
            {
                problems.Add(new($"{key}.service", $"no service named '{router.Service}'{NameSuggestions.Ending(router.Service, services)}"));
            }

            for (int i = 0; i < router.Entrypoints.Count; i++)
            {
                string entrypoint = router.Entrypoints[i];
                if (!entrypoints.Contains(entrypoint))
                {
                    problems.Add(new($"{key}.entrypoints[{i}]", $"no entrypoint named '{entrypoint}'{NameSuggestions.Ending(entrypoint, entrypoints)}"));
                }
            }
        }
    }

    private static HashSet<string> ValidateMiddlewares(GatewayConfig config, List<ConfigProblem> problems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (MiddlewareConfig middleware in config.Middlewares)
        {
            string key = $"middlewares.{middleware.Name}";
            if (string.IsNullOrWhiteSpace(middleware.Name))
            {
                problems.Add(new(key, "a middleware needs a name."));
            }
            else if (!names.Add(middleware.Name))
            {
                problems.Add(new(key, "defined twice."));
            }
        }

        return names;
    }

    /// <summary>
    /// Every name in an entrypoint's or a router's <c>middlewares</c> must name a middleware, once
    /// per chain: a request passes through its entrypoint's list and then its router's, and a
    /// middleware that ran twice would, say, strip two prefixes or append a header twice.
    /// </summary>
    private static void ValidateChains(GatewayConfig config, HashSet<string> middlewares, List<ConfigProblem> problems)
    {
        foreach (EntrypointConfig entrypoint in config.Entrypoints)
        {
            CheckChain(entrypoint.Middlewares, $"entrypoints.{entrypoint.Name}.middlewares", middlewares, problems);
        }

        foreach (RouterConfig router in config.Routers)
        {
            string key = $"routers.{router.Name}.middlewares";
            CheckChain(router.Middlewares, key, middlewares, problems);
            for (int i = 0; i < router.Middlewares.Count; i++)
            {
                string name = router.Middlewares[i];
                EntrypointConfig? first = config.Entrypoints.FirstOrDefault(e =>
                    (router.Entrypoints.Count == 0 || router.Entrypoints.Contains(e.Name)) && e.Middlewares.Contains(name));
                if (first is not null && middlewares.Contains(name))
                {
                    problems.Add(new($"{key}[{i}]", $"'{name}' already runs for every request of entrypoint '{first.Name}' (its middlewares), before this router's; a middleware runs once per request."));
                }
            }
        }
    }

    private static void CheckChain(IReadOnlyList<string> chain, string key, HashSet<string> middlewares, List<ConfigProblem> problems)
    {
        for (int i = 0; i < chain.Count; i++)
        {
            string name = chain[i];
            if (!middlewares.Contains(name))
            {
                problems.Add(new($"{key}[{i}]", $"no middleware named '{name}'{NameSuggestions.Ending(name, middlewares)}"));
            }
            else if (IndexOf(chain, name) is int earlier && earlier < i)
            {
                problems.Add(new($"{key}[{i}]", $"'{name}' is listed twice (first as [{earlier}]); a middleware runs once per request."));
            }
        }
    }

    private static int IndexOf(IReadOnlyList<string> list, string name)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static void Positive(int value, string key, List<ConfigProblem> problems)
    {
        if (value <= 0)
        {
            problems.Add(new(key, $"must be positive, not {value}."));
        }
    }

    private static void Positive(TimeSpan value, string key, List<ConfigProblem> problems)
    {
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            problems.Add(new(key, $"must be positive, not {value}."));
        }
    }
}
