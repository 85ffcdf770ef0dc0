using System.Globalization;
using System.Text;
using Engine.Core.Configuration;
using Engine.Host.Configuration;

namespace Engine.Host;

/// <summary>
/// <c>engine validate --config PATH</c>: loads a configuration the way <c>run</c> would and
/// either summarizes what it would serve or lists every problem. Exit code 0 or 1, so it can
/// gate a deploy (<c>engine validate -c new.toml &amp;&amp; systemctl reload engine</c>); warnings
/// go to the error stream beside the summary and leave the exit code 0, as they leave a load alone.
/// </summary>
internal static class ValidateCommand
{
    public static int Run(string path, TextWriter output, TextWriter error, Func<string, string?>? environment = null)
    {
        LoadedConfig loaded;
        try
        {
            loaded = ConfigLoader.Load(path, environment ?? Environment.GetEnvironmentVariable);
        }
        catch (GatewayConfigException ex)
        {
            error.WriteLine($"engine: {path} is invalid ({Count(ex.Errors.Count, "problem")}):");
            foreach (string line in ex.Errors)
            {
                error.WriteLine(line);
            }

            return 1;
        }

        foreach (string warning in loaded.Warnings)
        {
            error.WriteLine(warning);
        }

        WriteSummary(path, loaded, output);
        return 0;
    }

    internal static void WriteSummary(string path, LoadedConfig loaded, TextWriter output)
    {
        GatewayConfig config = loaded.Config;
        string warnings = loaded.Warnings.Count == 0 ? "" : ", " + Count(loaded.Warnings.Count, "warning");
        output.WriteLine($"{path}: valid ({Count(loaded.Files.Count, "file")}{warnings})");
        foreach (string file in loaded.Files)
        {
            output.WriteLine($"  {file}");
        }

        output.WriteLine();
        output.WriteLine($"entrypoints ({config.Entrypoints.Count}):");
        foreach (EntrypointConfig entrypoint in config.Entrypoints)
        {
            HttpLimitsConfig limits = entrypoint.Limits;
            DownstreamTimeoutsConfig timeouts = entrypoint.Timeouts;
            output.WriteLine($"  {entrypoint.Name}: {entrypoint.Protocol}://{entrypoint.Address}{(entrypoint.ReusePort ? " (reuse_port: shared with other engines that set it)" : "")}");
            output.WriteLine($"      limits: request line {SizeParser.Format(limits.MaxRequestLineSize)}, head {SizeParser.Format(limits.MaxRequestHeadSize)}, " +
                $"{limits.MaxRequestHeaderCount} fields, body {(limits.MaxRequestBodySize is { } body ? SizeParser.Format(body) : "unlimited")}, " +
                $"response head {SizeParser.Format(limits.MaxResponseHeadSize)}");
            output.WriteLine($"      timeouts: request header {DurationParser.Format(timeouts.RequestHeaderTimeout)}, keep-alive {DurationParser.Format(timeouts.KeepAliveTimeout)}, body idle {DurationParser.Format(timeouts.BodyIdleTimeout)}, " +
                $"request body at least {(timeouts.MinRequestBodyRate == 0 ? "any rate" : $"{timeouts.MinRequestBodyRate} B/s after {DurationParser.Format(timeouts.MinRequestBodyRateGrace)}")}");
            if (entrypoint.Middlewares.Count > 0)
            {
                output.WriteLine($"      middlewares (before each router's): {string.Join(", ", entrypoint.Middlewares)}");
            }
        }

        output.WriteLine();
        output.WriteLine($"routers ({config.Routers.Count}):");
        foreach (RouterConfig router in config.Routers)
        {
            string priority = router.Priority is > 0 or < 0 ? $"priority {router.Priority}" : $"priority {router.Rule.Length} (rule length)";
            string entrypoints = router.Entrypoints.Count == 0 ? "every entrypoint" : string.Join(", ", router.Entrypoints);
            output.WriteLine($"  {router.Name}: {router.Rule}");
            output.WriteLine($"      {priority} -> service {router.Service}, on {entrypoints}");
            if (router.Middlewares.Count > 0)
            {
                output.WriteLine($"      middlewares: {string.Join(", ", router.Middlewares)}");
            }
        }

        output.WriteLine();
        output.WriteLine($"services ({config.Services.Count}):");
        foreach (ServiceConfig service in config.Services)
        {
            if (service.Weighted is { } children)
            {
                output.WriteLine($"  {service.Name}: weighted {string.Join(", ", children.Select(c => $"{c.Service} ({c.Weight})"))}");
                continue;
            }

            string extra = service.LoadBalancing.HashKey is { } key ? $", hash key {key.Source}{(key.Name is null ? "" : " " + key.Name)}" : "";
            extra += service.LoadBalancing.StickySession is { } sticky ? $", sticky cookie {sticky.CookieName}" : "";
            output.WriteLine($"  {service.Name}: {service.LoadBalancing.Policy}{WeightRatio(service.Destinations)}{extra}");
            foreach (DestinationConfig server in service.Destinations)
            {
                output.WriteLine($"      {server.Address} (weight {server.Weight})");
            }
        }

        if (config.Middlewares.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"middlewares ({config.Middlewares.Count}):");
            foreach (MiddlewareConfig middleware in config.Middlewares)
            {
                output.WriteLine($"  {middleware.Name}: {middleware.Type}");
                foreach ((string key, object value) in middleware.Options)
                {
                    output.WriteLine($"      {key} = {FormatValue(value)}");
                }
            }
        }

        if (config.Admin is { } admin)
        {
            output.WriteLine();
            string token = string.IsNullOrEmpty(admin.Token) ? "" : " (token required)";
            string reusePort = admin.ReusePort ? " (reuse_port: shared with other engines that set it)" : "";
            output.WriteLine($"admin: {admin.Address}{token}{reusePort}");
        }

        if (config.AccessLog is { } log)
        {
            output.WriteLine();
            output.WriteLine($"access log: {log.Path} ({log.Format}, buffer {log.BufferSize} lines)");
        }

        if (config.Log is { } applicationLog)
        {
            output.WriteLine();
            output.WriteLine($"log: {applicationLog.Level} level, {applicationLog.Format} to {applicationLog.File} (--log-level overrides the level)");
        }
    }

    /// <summary>
    /// " (weighted 3:1)" when the servers' weights differ, which every strategy honours; nothing
    /// when they are equal, since then the weights change nothing.
    /// </summary>
    private static string WeightRatio(IReadOnlyList<DestinationConfig> servers) =>
        servers.DistinctBy(s => s.Weight).Skip(1).Any()
            ? $" (weighted {string.Join(':', servers.Select(s => s.Weight.ToString(CultureInfo.InvariantCulture)))})"
            : "";

    /// <summary>A middleware's option as TOML would write it inline: <c>["/api"]</c>, <c>{ X-Env = "prod" }</c>.</summary>
    internal static string FormatValue(object value) => value switch
    {
        string text => Quote(text),
        bool flag => flag ? "true" : "false",
        long or int => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double number => double.IsFinite(number) ? number.ToString("R", CultureInfo.InvariantCulture) : double.IsNaN(number) ? "nan" : number > 0 ? "inf" : "-inf",
        IReadOnlyDictionary<string, object> table => table.Count == 0 ? "{}" : $"{{ {string.Join(", ", table.Select(e => $"{Key(e.Key)} = {FormatValue(e.Value)}"))} }}",
        IReadOnlyList<object> list => $"[{string.Join(", ", list.Select(FormatValue))}]",
        _ => Quote(value.ToString() ?? ""),
    };

    private static string Key(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? key : Quote(key);

    private static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            _ = c switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                < ' ' or '\x7F' => quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
