using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Engine.Host.Logging;

internal sealed partial class ApplicationLogSink
{
    /// <summary>
    /// The layout Microsoft's simple console logger wrote before (so the default output reads as
    /// it always did), with the date added in a file, where lines outlive the day:
    /// <code>
    /// 16:20:01 info: Engine.Gateway[120] Config reloaded: snapshot 2, ...          (console, local time)
    /// 2026-12-03T16:20:01.123Z info: Engine.Gateway[120] Config reloaded: ...      (file, UTC)
    /// </code>
    /// An exception follows on the next lines, as .NET writes it.
    /// </summary>
    private void FormatText(in ApplicationLogEntry entry)
    {
        Span<char> time = stackalloc char[32];
        bool formatted = IsFile
            ? entry.Time.UtcDateTime.TryFormat(time, out int length, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : entry.Time.ToLocalTime().TryFormat(time, out length, "HH:mm:ss", CultureInfo.InvariantCulture);
        AppendUtf8(time[..(formatted ? length : 0)]);
        AppendAscii(entry.Level switch
        {
            LogLevel.Trace => " trce: "u8,
            LogLevel.Debug => " dbug: "u8,
            LogLevel.Information => " info: "u8,
            LogLevel.Warning => " warn: "u8,
            LogLevel.Error => " fail: "u8,
            _ => " crit: "u8,
        });
        AppendUtf8(entry.Category);
        AppendAscii("["u8);
        Span<char> id = stackalloc char[11];
        entry.EventId.Id.TryFormat(id, out int idLength, provider: CultureInfo.InvariantCulture);
        AppendUtf8(id[..idLength]);
        AppendAscii("] "u8);
        AppendUtf8(entry.Message);
        if (entry.Exception is { } exception)
        {
            AppendAscii("\n"u8);
            AppendUtf8(exception.ToString());
        }
        AppendAscii("\n"u8);
    }

    /// <summary>
    /// One JSON object per line, keys in a fixed order; the log call's own arguments, named as
    /// in its message template, under "fields":
    /// <code>
    /// {"time":"2026-12-03T16:20:01.1234567Z","level":"info","category":"Engine.Gateway","event_id":120,
    ///  "event":"ReloadApplied","message":"Config reloaded: ...","fields":{"Version":2,"Routers":3}}
    /// </code>
    /// </summary>
    private void FormatJson(in ApplicationLogEntry entry)
    {
        _json.Reset(_line);
        _json.WriteStartObject();
        _json.WriteString("time"u8, entry.Time.UtcDateTime);
        _json.WriteString("level"u8, LevelName(entry.Level));
        _json.WriteString("category"u8, entry.Category);
        _json.WriteNumber("event_id"u8, entry.EventId.Id);
        if (!string.IsNullOrEmpty(entry.EventId.Name))
        {
            _json.WriteString("event"u8, entry.EventId.Name);
        }
        _json.WriteString("message"u8, entry.Message);
        if (entry.Fields is { Count: > 0 } fields)
        {
            WriteFields(fields);
        }
        if (entry.Exception is { } exception)
        {
            _json.WriteString("exception"u8, exception.ToString());
        }
        _json.WriteEndObject();
        _json.Flush();
        AppendAscii("\n"u8);
    }

    private void WriteFields(IReadOnlyList<KeyValuePair<string, object?>> fields)
    {
        bool started = false;
        for (int i = 0; i < fields.Count; i++)
        {
            (string name, object? value) = fields[i];
            if (name == "{OriginalFormat}")
            {
                continue; // the template, not an argument
            }
            if (!started)
            {
                _json.WriteStartObject("fields"u8);
                started = true;
            }

            switch (value)
            {
                case null:
                    _json.WriteNull(name);
                    break;
                case string text:
                    _json.WriteString(name, text);
                    break;
                case bool flag:
                    _json.WriteBoolean(name, flag);
                    break;
                case int or long or short or byte or uint or ushort or sbyte:
                    _json.WriteNumber(name, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    break;
                case ulong number:
                    _json.WriteNumber(name, number);
                    break;
                case double number when double.IsFinite(number):
                    _json.WriteNumber(name, number);
                    break;
                case float number when float.IsFinite(number):
                    _json.WriteNumber(name, number);
                    break;
                case decimal number:
                    _json.WriteNumber(name, number);
                    break;
                default:
                    _json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
            }
        }
        if (started)
        {
            _json.WriteEndObject();
        }
    }

    /// <summary>The config file's names for the levels.</summary>
    internal static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "critical",
        _ => "none",
    };
}
