using Microsoft.Extensions.Logging;

namespace Engine.Host.Logging;

/// <summary>One category's logger: a level check against the current settings, then one formatted line.</summary>
internal sealed class ApplicationLogger(string category, ApplicationLog log) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    // One volatile read and a compare: the whole cost of a disabled debug line.
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= log.Current.Level;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ApplicationLog.State current = log.Current;
        if (logLevel == LogLevel.None || logLevel < current.Level)
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(formatter);
        var entry = new ApplicationLogEntry(
            log.TimeProvider.GetUtcNow(),
            logLevel,
            category,
            eventId,
            formatter(state, exception),
            // The source-generated log methods pass their arguments this way, with the template last.
            state as IReadOnlyList<KeyValuePair<string, object?>>,
            exception);
        current.Sink.WriteLine(in entry, current.Format);
    }
}

/// <summary>One line to write, whatever the format.</summary>
internal readonly record struct ApplicationLogEntry(
    DateTimeOffset Time,
    LogLevel Level,
    string Category,
    EventId EventId,
    string Message,
    IReadOnlyList<KeyValuePair<string, object?>>? Fields,
    Exception? Exception);
