using Engine.Core.Configuration;
using Engine.Host.Configuration;

namespace Engine.Host;

/// <summary>
/// <c>engine validate --config PATH</c>: loads a configuration the way <c>run</c> would and
/// either summarizes what it would serve or lists every problem. Exit code 0 or 1, so it can
/// gate a deploy (<c>engine validate -c new.toml &amp;&amp; systemctl reload engine</c>).
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

        WriteSummary(path, loaded, output);
        return 0;
    }

    internal static void WriteSummary(string path, LoadedConfig loaded, TextWriter output)
    {
        GatewayConfig config = loaded.Config;
        output.WriteLine($"{path}: valid ({Count(loaded.Files.Count, "file")})");
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
            output.WriteLine($"  {entrypoint.Name}: {entrypoint.Protocol}://{entrypoint.Address}");
            output.WriteLine($"      limits: request line {SizeParser.Format(limits.MaxRequestLineSize)}, head {SizeParser.Format(limits.MaxRequestHeadSize)}, " +
                $"{limits.MaxRequestHeaderCount} fields, body {(limits.MaxRequestBodySize is { } body ? SizeParser.Format(body) : "unlimited")}, " +
                $"response head {SizeParser.Format(limits.MaxResponseHeadSize)}");
            output.WriteLine($"      timeouts: request header {DurationParser.Format(timeouts.RequestHeaderTimeout)}, keep-alive {DurationParser.Format(timeouts.KeepAliveTimeout)}, body idle {DurationParser.Format(timeouts.BodyIdleTimeout)}");
        }

        output.WriteLine();
        output.WriteLine($"routers ({config.Routers.Count}):");
        foreach (RouterConfig router in config.Routers)
        {
            string priority = router.Priority is > 0 or < 0 ? $"priority {router.Priority}" : $"priority {router.Rule.Length} (rule length)";
            string entrypoints = router.Entrypoints.Count == 0 ? "every entrypoint" : string.Join(", ", router.Entrypoints);
            output.WriteLine($"  {router.Name}: {router.Rule}");
            output.WriteLine($"      {priority} -> service {router.Service}, on {entrypoints}");
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
            output.WriteLine($"  {service.Name}: {service.LoadBalancing.Policy}{extra}");
            foreach (DestinationConfig server in service.Destinations)
            {
                output.WriteLine($"      {server.Address} (weight {server.Weight})");
            }
        }

        if (config.Admin is { } admin)
        {
            output.WriteLine();
            output.WriteLine($"admin: {admin.Address}{(string.IsNullOrEmpty(admin.Token) ? "" : " (token required)")}");
        }

        if (config.AccessLog is { } log)
        {
            output.WriteLine();
            output.WriteLine($"access log: {log.Path} ({log.Format}, buffer {log.BufferSize} lines)");
        }
    }

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
