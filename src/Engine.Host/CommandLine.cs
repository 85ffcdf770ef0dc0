using Microsoft.Extensions.Logging;

namespace Engine.Host;

internal enum Verb
{
    /// <summary>Serve: the config file given with --config, or the embedded default without one.</summary>
    Run,
    Validate,
    Proxy,
    Help,
    Version,
}

/// <summary>The parsed command line. Small on purpose: every option is listed in <see cref="HelpText"/>.</summary>
internal sealed record CommandLine(Verb Verb, string? ConfigPath, string? Listen, IReadOnlyList<string> Destinations, LogLevel LogLevel)
{
    public const string HelpText = """
        engine - an edge reverse proxy and load balancer

        Usage:
          engine [run] --config FILE|DIR [--log-level LEVEL]
              Serve the configuration in a TOML file, or in every *.toml file of a directory
              (docs/configuration.md). Edits to those files, and SIGHUP, reload it; an invalid
              edit is logged and the running configuration stays.

          engine validate --config FILE|DIR
              Check a configuration without serving it: prints its entrypoints, routers and
              services (and any warnings) and exits 0, or prints every problem as
              file:line:column and exits 1.

          engine [run] [--log-level LEVEL]
              Run the embedded default: a proxy on http://127.0.0.1:8080/ in front of a
              built-in sample origin on 127.0.0.1:8081, and the admin API on 127.0.0.1:9901.
              Try: curl http://127.0.0.1:8080/ and curl http://127.0.0.1:9901/metrics

          engine proxy --listen ADDRESS --to URL [--to URL ...] [--log-level LEVEL]
              Run a round-robin reverse proxy without a config file.
              --listen ADDRESS   where to accept clients, e.g. 127.0.0.1:8080, [::1]:8080, :8080
              --to URL           an upstream, e.g. http://127.0.0.1:9001 (repeat for more)

          engine version | --version
          engine help | --help

        Options:
          -c, --config PATH    a TOML file, or a directory of *.toml files merged in name order
          --log-level LEVEL    trace, debug, info[rmation] (default), warn[ing], error, critical, none

        Signals: SIGTERM or Ctrl+C stops accepting, lets in-flight requests finish, then exits;
        SIGHUP reloads the config files; SIGUSR1 reopens the access log file (after rotation).

        """;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        Verb verb = Verb.Run;
        string? config = null;
        string? listen = null;
        var destinations = new List<string>();
        LogLevel logLevel = LogLevel.Information;

        int i = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            verb = args[0] switch
            {
                "run" => Verb.Run,
                "validate" => Verb.Validate,
                "proxy" => Verb.Proxy,
                "help" => Verb.Help,
                "version" => Verb.Version,
                _ => throw new CommandLineException($"unknown command '{args[0]}'."),
            };
            i = 1;
        }

        for (; i < args.Count; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "-h" or "--help":
                    return new CommandLine(Verb.Help, null, null, [], logLevel);
                case "--version":
                    return new CommandLine(Verb.Version, null, null, [], logLevel);
                case "-c" or "--config" when verb is Verb.Run or Verb.Validate:
                    if (config != null)
                    {
                        throw new CommandLineException($"{arg} is given twice; to merge several files, put them in one directory.");
                    }
                    config = Value(args, ref i);
                    break;
                case "--listen" when verb == Verb.Proxy:
                    listen = Value(args, ref i);
                    break;
                case "--to" when verb == Verb.Proxy:
                    destinations.Add(Value(args, ref i));
                    break;
                case "--log-level":
                    logLevel = ParseLogLevel(Value(args, ref i));
                    break;
                default:
                    throw new CommandLineException(Unknown(verb, arg));
            }
        }

        if (verb == Verb.Proxy)
        {
            if (listen == null)
            {
                throw new CommandLineException("'proxy' needs --listen ADDRESS.");
            }
            if (destinations.Count == 0)
            {
                throw new CommandLineException("'proxy' needs at least one --to URL.");
            }
        }
        if (verb == Verb.Validate && config == null)
        {
            throw new CommandLineException("'validate' needs --config FILE|DIR.");
        }
        return new CommandLine(verb, config, listen, destinations, logLevel);
    }

    private static string Unknown(Verb verb, string arg)
    {
        string hint = (verb, arg) switch
        {
            (Verb.Run, "--listen" or "--to") => $" (did you mean 'engine proxy {arg} ...'?)",
            (Verb.Proxy, "-c" or "--config") => " ('proxy' takes no config file; use 'engine run --config')",
            (Verb.Run or Verb.Validate, _) when !arg.StartsWith('-') => $" (did you mean '--config {arg}'?)",
            _ => "",
        };
        return arg.StartsWith('-') ? $"unknown option '{arg}'{hint}." : $"unexpected argument '{arg}'{hint}.";
    }

    /// <summary>The level names of Microsoft.Extensions.Logging, plus the short forms other tools use (info, warn).</summary>
    private static LogLevel ParseLogLevel(string level) => level.ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" or "information" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "critical" => LogLevel.Critical,
        "none" => LogLevel.None,
        _ => throw new CommandLineException($"unknown log level '{level}'; use trace, debug, info, warn, error, critical or none."),
    };

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new CommandLineException($"{args[i]} needs a value.");
        }
        return args[++i];
    }
}

internal sealed class CommandLineException(string message) : Exception(message)
{
    public CommandLineException() : this("invalid command line")
    {
    }

    public CommandLineException(string message, Exception inner) : this(message + " " + inner.Message)
    {
    }
}
