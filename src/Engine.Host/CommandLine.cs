using Microsoft.Extensions.Logging;

namespace Engine.Host;

internal enum Verb
{
    RunDefault,
    Proxy,
    Help,
    Version,
}

/// <summary>The parsed command line. Small on purpose: every option is listed in <see cref="HelpText"/>.</summary>
internal sealed record CommandLine(Verb Verb, string? Listen, IReadOnlyList<string> Destinations, LogLevel LogLevel)
{
    public const string HelpText = """
        engine - an edge reverse proxy and load balancer

        Usage:
          engine [--log-level LEVEL]
              Run the embedded default: a proxy on http://127.0.0.1:8080/ in front of a
              built-in sample origin on 127.0.0.1:8081. Try: curl http://127.0.0.1:8080/

          engine proxy --listen ADDRESS --to URL [--to URL ...] [--log-level LEVEL]
              Run a round-robin reverse proxy without a config file.
              --listen ADDRESS   where to accept clients, e.g. 127.0.0.1:8080, [::1]:8080, :8080
              --to URL           an upstream, e.g. http://127.0.0.1:9001 (repeat for more)

          engine --version
          engine --help

        Options:
          --log-level LEVEL    trace, debug, information (default), warning, error, critical, none

        SIGTERM or Ctrl+C stops accepting, lets in-flight requests finish, then exits.

        """;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        Verb verb = Verb.RunDefault;
        string? listen = null;
        var destinations = new List<string>();
        LogLevel logLevel = LogLevel.Information;

        int i = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            verb = args[0] switch
            {
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
                    return new CommandLine(Verb.Help, null, [], logLevel);
                case "--version":
                    return new CommandLine(Verb.Version, null, [], logLevel);
                case "--listen" when verb == Verb.Proxy:
                    listen = Value(args, ref i);
                    break;
                case "--to" when verb == Verb.Proxy:
                    destinations.Add(Value(args, ref i));
                    break;
                case "--log-level":
                    string level = Value(args, ref i);
                    if (!Enum.TryParse(level, ignoreCase: true, out logLevel) || !Enum.IsDefined(logLevel))
                    {
                        throw new CommandLineException($"unknown log level '{level}'.");
                    }
                    break;
                default:
                    throw new CommandLineException($"unknown option '{arg}'{(verb == Verb.RunDefault && arg is "--listen" or "--to" ? " (did you mean 'engine proxy " + arg + " ...'?)" : "")}.");
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
        return new CommandLine(verb, listen, destinations, logLevel);
    }

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
