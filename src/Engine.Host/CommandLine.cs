using Engine.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Engine.Host;

internal enum Verb
{
    /// <summary>Serve: the config file given with --config, or the embedded default without one.</summary>
    Run,
    Validate,
    Proxy,
    /// <summary>Serve the built-in sample origin on the given addresses, for the examples' upstreams.</summary>
    Origin,
    Help,
    Version,
}

/// <summary>The parsed command line. Small on purpose: every option is listed in <see cref="HelpText"/>.</summary>
/// <param name="LogLevel">--log-level when given (it overrides <c>[log] level</c>); null when not.</param>
internal sealed record CommandLine(Verb Verb, string? ConfigPath, string? Listen, IReadOnlyList<string> Destinations, LogLevel? LogLevel)
{
    /// <summary>The addresses 'engine origin' serves the sample origin on.</summary>
    public IReadOnlyList<string> OriginAddresses { get; init; } = [];

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

          engine origin --listen ADDRESS [--listen ADDRESS ...]
              Serve the built-in sample origin on each address: it answers every request with
              a line naming the address and the request, so the examples' upstreams can be
              started in one command (each example's first lines name the addresses it needs).

          engine version | --version
          engine help | --help

        Options:
          -c, --config PATH    a TOML file, or a directory of *.toml files merged in name order
          --log-level LEVEL    trace, debug, info[rmation] (default), warn[ing], err[or], critical,
                               none, in any case; overrides 'level' in the config's [log] table

        Signals: SIGTERM or Ctrl+C stops accepting, lets in-flight requests finish, then exits;
        SIGHUP reloads the config files; SIGUSR1 reopens the access log file (after rotation).

        """;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        Verb verb = Verb.Run;
        string? config = null;
        string? listen = null;
        var destinations = new List<string>();
        var originAddresses = new List<string>();
        LogLevel? logLevel = null;

        int i = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            verb = args[0] switch
            {
                "run" => Verb.Run,
                "validate" => Verb.Validate,
                "proxy" => Verb.Proxy,
                "origin" => Verb.Origin,
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
                case "--listen" when verb == Verb.Origin:
                    originAddresses.Add(Value(args, ref i));
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
        if (verb == Verb.Origin && originAddresses.Count == 0)
        {
            throw new CommandLineException("'origin' needs at least one --listen ADDRESS.");
        }
        return new CommandLine(verb, config, listen, destinations, logLevel) { OriginAddresses = originAddresses };
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

    /// <summary>The names <c>[log] level</c> takes too (<see cref="LogLevels"/>), in any case.</summary>
    private static LogLevel ParseLogLevel(string level) =>
        LogLevels.TryParse(level, out LogLevel parsed)
            ? parsed
            : throw new CommandLineException($"unknown log level '{level}'; use {LogLevels.Listed}.");

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
