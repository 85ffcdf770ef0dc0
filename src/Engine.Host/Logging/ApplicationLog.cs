using System.Collections.Concurrent;
using Engine.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Engine.Host.Logging;

/// <summary>
/// The engine's application log as an <see cref="ILoggerProvider"/>: text or JSON lines to
/// stdout, stderr or a file, at a level that <see cref="Apply"/> changes while running (a reload
/// of <c>[log]</c>). The logger factory is created at <see cref="LogLevel.Trace"/> and this
/// provider filters by itself, because the factory's own filters are fixed at creation.
/// </summary>
/// <remarks>
/// Lines are written synchronously, one write per line, under the sink's lock. That is cheap
/// enough here: the application log is a few lines per reload or failure, and the one kind that
/// comes per request (debug) is capped by <c>RequestLogLimiter</c>. In return a line is on its
/// way before the call returns, so the last words of a crash are not lost in a queue.
/// Hand-written rather than Microsoft's console logger, whose JSON formatter cannot write to a
/// file and whose options (and level) are bound through reflection-based configuration.
/// </remarks>
public sealed class ApplicationLog : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, ApplicationLogger> _loggers = new(StringComparer.Ordinal);
    private readonly Lock _applyLock = new();
    private volatile State _state;

    /// <param name="levelOverride">The command line's --log-level: when given, it wins over <c>[log] level</c>.</param>
    /// <param name="timeProvider">The clock of the lines' timestamps.</param>
    public ApplicationLog(LogLevel? levelOverride = null, TimeProvider? timeProvider = null)
    {
        LevelOverride = levelOverride;
        TimeProvider = timeProvider ?? TimeProvider.System;
        var defaults = new LogConfig();
        _state = new State(defaults, levelOverride ?? LogLevel.Information, ApplicationLogFormat.Text, ApplicationLogSink.Open(defaults.File));
    }

    public LogLevel? LevelOverride { get; }

    /// <summary>The settings in effect (the defaults until the first <see cref="Apply"/>).</summary>
    public LogConfig Config => _state.Config;

    /// <summary>The least severe level written now.</summary>
    public LogLevel MinimumLevel => _state.Level;

    internal TimeProvider TimeProvider { get; }

    internal State Current => _state;

    /// <summary>
    /// Makes the log follow <paramref name="config"/> (null: the defaults) from the next line. A
    /// new file is opened before anything changes, so a file that cannot be opened throws
    /// <see cref="GatewayConfigException"/> and leaves the log as it was; the file given up is
    /// closed once the new settings are in place.
    /// </summary>
    public void Apply(LogConfig? config)
    {
        config ??= new LogConfig();
        lock (_applyLock)
        {
            State current = _state;
            if (current.Config == config)
            {
                return;
            }

            ApplicationLogSink sink = current.Config.File == config.File ? current.Sink : OpenSink(config.File);
            LogLevel level = LevelOverride ?? (LogLevels.TryParse(config.Level, out LogLevel parsed) ? parsed : LogLevel.Information);
            ApplicationLogFormat format = string.Equals(config.Format, "json", StringComparison.OrdinalIgnoreCase) ? ApplicationLogFormat.Json : ApplicationLogFormat.Text;
            _state = new State(config, level, format, sink);
            if (!ReferenceEquals(sink, current.Sink))
            {
                // A line that read the old state just before the swap may still be writing; the
                // sink drops what comes after its disposal rather than write to a closed stream.
                current.Sink.Dispose();
            }
        }
    }

    /// <summary>Reopens the log file at its path (after logrotate moved it); nothing for stdout or stderr. SIGUSR1 in the engine binary.</summary>
    public void Reopen() => _state.Sink.Reopen();

    public ILogger CreateLogger(string categoryName) =>
        _loggers.GetOrAdd(categoryName, static (name, log) => new ApplicationLogger(name, log), this);

    public void Dispose() => _state.Sink.Dispose();

    private static ApplicationLogSink OpenSink(string file)
    {
        try
        {
            return ApplicationLogSink.Open(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new GatewayConfigException([new ConfigProblem("log.file", $"cannot open '{file}' for the application log: {ex.Message}")]);
        }
    }

    /// <summary>Everything a line needs, swapped whole so that a line never mixes two settings.</summary>
    internal sealed record State(LogConfig Config, LogLevel Level, ApplicationLogFormat Format, ApplicationLogSink Sink);
}

internal enum ApplicationLogFormat : byte
{
    Text,
    Json,
}
