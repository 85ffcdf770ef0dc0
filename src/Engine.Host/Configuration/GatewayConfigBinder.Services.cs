using Engine.Core.Configuration;
using Engine.Core.LoadBalancing;

namespace Engine.Host.Configuration;

internal sealed partial class GatewayConfigBinder
{
    private static readonly string[] s_serviceKeys = ["load_balancer", "weighted"];
    private static readonly string[] s_loadBalancerKeys = ["strategy", "servers", "hash_key", "maglev_table_size", "sticky", "pool"];
    private static readonly string[] s_serverKeys = ["url", "weight"];
    private static readonly string[] s_hashKeyKeys = ["source", "name"];
    private static readonly string[] s_stickyKeys = ["cookie"];
    private static readonly string[] s_cookieKeys = ["name", "secure", "http_only", "same_site", "max_age", "path"];
    private static readonly string[] s_poolKeys = ["max_connections", "max_idle_connections", "idle_timeout", "connect_timeout", "response_header_timeout"];
    private static readonly string[] s_weightedKeys = ["services"];
    private static readonly string[] s_weightedServiceKeys = ["name", "weight"];

    private static readonly string[] s_hashSources = ["client_ip", "header", "cookie"];
    private static readonly string[] s_sameSiteValues = ["lax", "strict", "none"];

    private ServiceConfig BindService(string name, TomlSection s)
    {
        TomlSection? balancer = s.Section("load_balancer", s_loadBalancerKeys);
        TomlSection? weighted = s.Section("weighted", s_weightedKeys);
        if (!s.Has("load_balancer") && !s.Has("weighted"))
        {
            context.Report(s.Position, s.Path, $"needs a [{s.Path}.load_balancer] table with servers, or a [{s.Path}.weighted] table of services.");
        }

        var service = new ServiceConfig(name, balancer is { } lb ? BindServers(lb) : []);
        if (balancer is { } b)
        {
            service = service with { LoadBalancing = BindLoadBalancing(name, b) };
            if (b.Section("pool", s_poolKeys) is { } pool)
            {
                service = service with { Pool = BindPool(pool) };
            }
        }

        if (weighted is { } w)
        {
            service = service with { Weighted = BindWeighted(w) };
        }

        return service;
    }

    private static List<DestinationConfig> BindServers(TomlSection balancer)
    {
        var servers = new List<DestinationConfig>();
        foreach (TomlSection server in balancer.Sections("servers", s_serverKeys))
        {
            servers.Add(new DestinationConfig(server.RequiredString("url")) { Weight = server.Int32("weight") ?? 1 });
        }

        return servers;
    }

    private LoadBalancingConfig BindLoadBalancing(string service, TomlSection s)
    {
        LoadBalancingConfig d = LoadBalancingConfig.Default;
        var config = new LoadBalancingConfig
        {
            // The validator judges the name, through the same registry that builds the table.
            Policy = s.String("strategy") ?? d.Policy,
            MaglevTableSize = s.Int32("maglev_table_size") ?? d.MaglevTableSize,
        };

        if (s.Section("hash_key", s_hashKeyKeys) is { } hashKey)
        {
            config = config with { HashKey = BindHashKey(hashKey) };
        }

        if (s.Section("sticky", s_stickyKeys) is { } sticky)
        {
            if (sticky.Section("cookie", s_cookieKeys) is { } cookie)
            {
                config = config with { StickySession = BindCookie(service, cookie) };
            }
            else if (!sticky.Has("cookie"))
            {
                context.Report(sticky.Position, sticky.Child("cookie"), $"sticky sessions need a [{sticky.Child("cookie")}] table (its name may be left out).");
            }
        }

        return config;
    }

    private HashKeyConfig? BindHashKey(TomlSection s)
    {
        string source = s.RequiredString("source");
        HashKeySource? kind = source.Replace('-', '_').ToLowerInvariant() switch
        {
            "client_ip" => HashKeySource.ClientAddress,
            "header" => HashKeySource.Header,
            "cookie" => HashKeySource.Cookie,
            _ => null,
        };

        if (kind is null)
        {
            if (source.Length > 0)
            {
                context.Report(s.Table["source"].Position, s.Child("source"), $"'{source}' is not a hash key source; expected client_ip, header or cookie{NameSuggestions.Ending(source, s_hashSources)}");
            }

            return null;
        }

        return new HashKeyConfig(kind.Value, s.String("name"));
    }

    private StickySessionConfig BindCookie(string service, TomlSection s)
    {
        var defaults = new StickySessionConfig("");
        // Traefik derives a default name from the service too: two services on one host then keep
        // separate affinities instead of overwriting each other's cookie.
        var cookie = new StickySessionConfig(s.String("name") ?? $"engine_{service}")
        {
            Secure = s.Boolean("secure") ?? defaults.Secure,
            HttpOnly = s.Boolean("http_only") ?? defaults.HttpOnly,
            MaxAge = s.Duration("max_age"),
            Path = s.String("path") ?? defaults.Path,
        };

        if (s.String("same_site") is { } sameSite)
        {
            CookieSameSite? parsed = sameSite.ToLowerInvariant() switch
            {
                "lax" => CookieSameSite.Lax,
                "strict" => CookieSameSite.Strict,
                "none" => CookieSameSite.None,
                _ => null,
            };
            if (parsed is null)
            {
                context.Report(s.Table["same_site"].Position, s.Child("same_site"), $"'{sameSite}' is not a SameSite value; expected lax, strict or none{NameSuggestions.Ending(sameSite, s_sameSiteValues)}");
            }
            else
            {
                cookie = cookie with { SameSite = parsed.Value };
            }
        }

        return cookie;
    }

    private static UpstreamPoolConfig BindPool(TomlSection s)
    {
        UpstreamPoolConfig d = UpstreamPoolConfig.Default;
        return new UpstreamPoolConfig
        {
            MaxConnections = s.Int32("max_connections") ?? d.MaxConnections,
            MaxIdleConnections = s.Int32("max_idle_connections") ?? d.MaxIdleConnections,
            IdleTimeout = s.Duration("idle_timeout") ?? d.IdleTimeout,
            ConnectTimeout = s.Duration("connect_timeout") ?? d.ConnectTimeout,
            ResponseHeaderTimeout = s.Duration("response_header_timeout") ?? d.ResponseHeaderTimeout,
        };
    }

    private static List<WeightedServiceConfig> BindWeighted(TomlSection s)
    {
        var children = new List<WeightedServiceConfig>();
        foreach (TomlSection child in s.Sections("services", s_weightedServiceKeys))
        {
            children.Add(new WeightedServiceConfig(child.RequiredString("name"), child.Int32("weight") ?? 1));
        }

        return children;
    }
}
