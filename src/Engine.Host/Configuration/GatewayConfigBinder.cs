using Engine.Core.Configuration;
using Engine.Host.Configuration.Toml;

namespace Engine.Host.Configuration;

/// <summary>
/// Binds parsed TOML files into one <see cref="GatewayConfig"/> by hand, key by key (trim and
/// native-AOT safe), in the snake_case layout of docs/configuration.md. Files merge by name: each
/// entrypoint, router, service and middleware, and each top-level setting, comes from exactly one
/// file, so a reader can always tell which file decides it. Problems go to the
/// <see cref="BindingContext"/> and binding continues, so one run reports everything.
/// </summary>
internal sealed partial class GatewayConfigBinder(BindingContext context)
{
    private static readonly string[] s_rootKeys = ["drain_timeout", "entrypoints", "routers", "services", "middlewares", "admin", "access_log", "log", "providers"];
    private static readonly string[] s_entrypointKeys = ["address", "protocol", "reuse_port", "limits", "timeouts", "middlewares"];
    private static readonly string[] s_limitKeys = ["max_request_line_size", "max_request_head_size", "max_request_header_count", "max_request_body_size", "max_response_head_size"];
    private static readonly string[] s_timeoutKeys = ["request_header", "keep_alive", "body_idle", "min_body_rate", "min_body_rate_grace"];
    private static readonly string[] s_routerKeys = ["rule", "service", "entrypoints", "priority", "middlewares"];
    private static readonly string[] s_adminKeys = ["address", "token", "reuse_port"];
    private static readonly string[] s_accessLogKeys = ["path", "format", "buffer_size"];
    private static readonly string[] s_providerKeys = ["file"];
    private static readonly string[] s_fileProviderKeys = ["directory", "filename", "watch"];

    /// <summary>Key path of each named table or top-level setting to where it was first defined.</summary>
    private readonly Dictionary<string, TomlPosition> _definedAt = new(StringComparer.Ordinal);

    private readonly List<EntrypointConfig> _entrypoints = [];
    private readonly List<RouterConfig> _routers = [];
    private readonly List<ServiceConfig> _services = [];
    private readonly List<MiddlewareConfig> _middlewares = [];
    private TimeSpan? _drainTimeout;
    private AdminConfig? _admin;
    private AccessLogConfig? _accessLog;
    private FileProviderConfig? _fileProvider;

    public GatewayConfig Bind(IReadOnlyList<ConfigFile> files)
    {
        foreach (ConfigFile file in files)
        {
            BindFile(file);
        }

        return new GatewayConfig
        {
            Entrypoints = _entrypoints,
            Routers = _routers,
            Services = _services,
            Middlewares = _middlewares,
            Admin = _admin,
            AccessLog = _accessLog,
            Log = _log,
            FileProvider = _fileProvider,
            DrainTimeout = _drainTimeout ?? new GatewayConfig().DrainTimeout,
        };
    }

    private void BindFile(ConfigFile file)
    {
        TomlTable table = file.Document.Root;
        var root = new TomlSection(context, table, "", new TomlPosition(file.Document.FileName, 1, 1), s_rootKeys);
        foreach (TomlKeyValue entry in table)
        {
            switch (entry.Key)
            {
                case "entrypoints":
                    BindNamed(root, entry, "entrypoint", s_entrypointKeys, (name, s) => _entrypoints.Add(BindEntrypoint(name, s)));
                    break;
                case "routers":
                    BindNamed(root, entry, "router", s_routerKeys, (name, s) => _routers.Add(BindRouter(name, s)));
                    break;
                case "services":
                    BindNamed(root, entry, "service", s_serviceKeys, (name, s) => _services.Add(BindService(name, s)));
                    break;
                case "middlewares":
                    // Any key may be a type's; the registry judges them once the files are bound.
                    BindNamed(root, entry, "middleware", knownKeys: null, (name, s) => _middlewares.Add(BindMiddleware(name, s)));
                    break;
                case "drain_timeout" when Claim(entry):
                    _drainTimeout = root.Duration("drain_timeout");
                    break;
                case "admin" when Claim(entry):
                    _admin = root.Section("admin", s_adminKeys) is { } admin ? BindAdmin(admin) : null;
                    break;
                case "access_log" when Claim(entry):
                    _accessLog = root.Section("access_log", s_accessLogKeys) is { } log ? BindAccessLog(log) : null;
                    break;
                case "log" when Claim(entry):
                    _log = root.Section("log", s_logKeys) is { } logTable ? BindLog(logTable) : null;
                    break;
                case "providers" when file.IsIncluded:
                    context.Report(entry.KeyPosition, "providers", "may only be set in a main configuration file, not in a file it includes (includes do not nest).");
                    break;
                case "providers" when Claim(entry):
                    _fileProvider = root.Section("providers", s_providerKeys)?.Section("file", s_fileProviderKeys) is { } provider ? BindFileProvider(provider) : null;
                    break;
            }
        }
    }

    /// <summary>Binds each child table of <c>[entrypoints]</c>, <c>[routers]</c>, <c>[services]</c> or <c>[middlewares]</c> not already defined by another file.</summary>
    /// <param name="knownKeys">The keys each child may have; null when any key may be (a middleware's belong to its type).</param>
    private void BindNamed(TomlSection root, TomlKeyValue entry, string noun, IReadOnlyList<string>? knownKeys, Action<string, TomlSection> bind)
    {
        if (root.Section(entry.Key, knownKeys: null) is not { } collection)
        {
            return;
        }

        foreach (TomlKeyValue named in collection.Table)
        {
            string path = collection.Child(named.Key);
            if (named.Value is not TomlTable table)
            {
                context.Report(named.Value.Position, path, $"expected a table ([{path}]) describing {noun} '{named.Key}', found {named.Value.Kind.ToDisplayName()}.");
                continue;
            }

            if (Claim(path, named.KeyPosition))
            {
                bind(named.Key, new TomlSection(context, table, path, named.KeyPosition, knownKeys));
            }
        }
    }

    /// <summary>
    /// Records the first definition of <paramref name="path"/>; a later one, necessarily in
    /// another file (TOML itself refuses a duplicate within one), is reported at both places.
    /// </summary>
    private bool Claim(string path, TomlPosition position)
    {
        if (_definedAt.TryAdd(path, position))
        {
            return true;
        }

        TomlPosition first = _definedAt[path];
        context.Report(position, path, $"already defined in {first}; each {Describe(path)} may be defined in only one file.", replacesValue: false);
        return false;
    }

    private bool Claim(TomlKeyValue entry) => Claim(entry.Key, entry.KeyPosition);

    private static string Describe(string path) => path.Split('.')[0] switch
    {
        "entrypoints" => "entrypoint",
        "routers" => "router",
        "services" => "service",
        "middlewares" => "middleware",
        _ => "top-level setting",
    };

    /// <summary>
    /// <c>type</c>, and every other key as a plain value for the type to read (see
    /// <see cref="MiddlewareConfig.Options"/>), in written order: header order matters.
    /// </summary>
    private static MiddlewareConfig BindMiddleware(string name, TomlSection s)
    {
        var options = new OrderedDictionary<string, object>(s.Table.Count, StringComparer.Ordinal);
        foreach (TomlKeyValue entry in s.Table)
        {
            if (entry.Key != "type" && s.Plain(entry.Key) is { } value)
            {
                options.Add(entry.Key, value);
            }
        }

        return new MiddlewareConfig(name, s.RequiredString("type")) { Options = options };
    }

    private EntrypointConfig BindEntrypoint(string name, TomlSection s)
    {
        var entrypoint = new EntrypointConfig(name, s.RequiredString("address"))
        {
            Middlewares = Names(s, "middlewares"),
            ReusePort = s.Boolean("reuse_port") ?? false,
        };
        if (s.String("protocol") is { } protocol)
        {
            entrypoint = entrypoint with { Protocol = protocol };
        }

        if (s.Section("limits", s_limitKeys) is { } limits)
        {
            HttpLimitsConfig d = HttpLimitsConfig.Default;
            entrypoint = entrypoint with
            {
                Limits = new HttpLimitsConfig
                {
                    MaxRequestLineSize = limits.Int32Size("max_request_line_size") ?? d.MaxRequestLineSize,
                    MaxRequestHeadSize = limits.Int32Size("max_request_head_size") ?? d.MaxRequestHeadSize,
                    MaxRequestHeaderCount = limits.Int32("max_request_header_count") ?? d.MaxRequestHeaderCount,
                    MaxRequestBodySize = limits.Size("max_request_body_size") ?? d.MaxRequestBodySize,
                    MaxResponseHeadSize = limits.Int32Size("max_response_head_size") ?? d.MaxResponseHeadSize,
                },
            };
        }

        if (s.Section("timeouts", s_timeoutKeys) is { } timeouts)
        {
            DownstreamTimeoutsConfig d = DownstreamTimeoutsConfig.Default;
            entrypoint = entrypoint with
            {
                Timeouts = new DownstreamTimeoutsConfig
                {
                    RequestHeaderTimeout = timeouts.Duration("request_header") ?? d.RequestHeaderTimeout,
                    KeepAliveTimeout = timeouts.Duration("keep_alive") ?? d.KeepAliveTimeout,
                    BodyIdleTimeout = timeouts.Duration("body_idle") ?? d.BodyIdleTimeout,
                    MinRequestBodyRate = timeouts.Size("min_body_rate", min: 0) ?? d.MinRequestBodyRate,
                    MinRequestBodyRateGrace = timeouts.Duration("min_body_rate_grace") ?? d.MinRequestBodyRateGrace,
                },
            };
        }

        return entrypoint;
    }

    private static RouterConfig BindRouter(string name, TomlSection s) =>
        new(name, s.RequiredString("rule"), s.RequiredString("service"))
        {
            Priority = s.Int32("priority"),
            Entrypoints = s.Strings("entrypoints") ?? [],
            Middlewares = Names(s, "middlewares"),
        };

    /// <summary>A list of names, or the shared empty list when the key is left out.</summary>
    private static IReadOnlyList<string> Names(TomlSection s, string key) => (IReadOnlyList<string>?)s.Strings(key) ?? [];

    private static AdminConfig BindAdmin(TomlSection s)
    {
        var defaults = new AdminConfig();
        return new AdminConfig
        {
            Address = s.String("address") ?? defaults.Address,
            Token = s.String("token"),
            ReusePort = s.Boolean("reuse_port") ?? false,
        };
    }

    private static AccessLogConfig BindAccessLog(TomlSection s)
    {
        var defaults = new AccessLogConfig();
        return new AccessLogConfig
        {
            Path = s.String("path") ?? defaults.Path,
            Format = s.String("format") ?? defaults.Format,
            BufferSize = s.Int32("buffer_size") ?? defaults.BufferSize,
        };
    }

    private static FileProviderConfig BindFileProvider(TomlSection s) => new()
    {
        Directory = s.String("directory"),
        Filename = s.String("filename"),
        Watch = s.Boolean("watch") ?? true,
    };
}
