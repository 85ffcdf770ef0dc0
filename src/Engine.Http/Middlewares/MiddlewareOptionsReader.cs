using Engine.Core.Configuration;

namespace Engine.Http.Middlewares;

/// <summary>
/// Reads one middleware's keys (<see cref="MiddlewareConfig.Options"/>) for the type that owns
/// them. Every problem is collected with its key path (<c>middlewares.NAME.key</c>) so a file
/// loader can point at the line, and reading goes on, so one run reports everything. Keys the
/// type never asked for are reported by <see cref="ReportUnknownKeys"/> with a "did you mean".
/// </summary>
public sealed class MiddlewareOptionsReader
{
    private readonly MiddlewareConfig _config;
    private readonly List<ConfigProblem> _problems;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal) { "type" };

    public MiddlewareOptionsReader(MiddlewareConfig config, List<ConfigProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _problems = problems;
        KeyPath = $"middlewares.{config.Name}";
    }

    /// <summary><c>middlewares.NAME</c>: the prefix of every problem's key path.</summary>
    public string KeyPath { get; }

    public bool HasProblems { get; private set; }

    public void Report(string key, string message)
    {
        HasProblems = true;
        _problems.Add(new ConfigProblem(key.Length == 0 ? KeyPath : $"{KeyPath}.{key}", message));
    }

    public string? String(string key, bool required = false)
    {
        if (!TryGet(key, required, out object? value))
        {
            return null;
        }

        if (value is string text)
        {
            return text;
        }

        Report(key, $"expected a string, found {Describe(value)}.");
        return null;
    }

    /// <summary>A list of strings; a single string is taken as a list of one.</summary>
    public IReadOnlyList<string> StringList(string key, bool required = false)
    {
        if (!TryGet(key, required, out object? value))
        {
            return [];
        }

        switch (value)
        {
            case string single:
                return [single];
            case IReadOnlyList<object> list:
                var strings = new List<string>(list.Count);
                for (int i = 0; i < list.Count; i++)
                {
                    if (list[i] is string item)
                    {
                        strings.Add(item);
                    }
                    else
                    {
                        Report($"{key}[{i}]", $"expected a string, found {Describe(list[i])}.");
                    }
                }

                return strings;
            default:
                Report(key, $"expected a list of strings, found {Describe(value)}.");
                return [];
        }
    }

    /// <summary>A table from name to string (header name to value), in the order written.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> StringTable(string key)
    {
        if (!TryGet(key, required: false, out object? value))
        {
            return [];
        }

        if (value is not IReadOnlyDictionary<string, object> table)
        {
            Report(key, $"expected a table of strings (name = \"value\"), found {Describe(value)}.");
            return [];
        }

        var pairs = new List<KeyValuePair<string, string>>(table.Count);
        foreach (KeyValuePair<string, object> entry in table)
        {
            if (entry.Value is string text)
            {
                pairs.Add(new(entry.Key, text));
            }
            else
            {
                Report($"{key}.{entry.Key}", $"expected a string, found {Describe(entry.Value)}.");
            }
        }

        return pairs;
    }

    /// <summary>Reports every key the type did not read: a misspelt key must not silently do nothing.</summary>
    public void ReportUnknownKeys()
    {
        foreach (string key in _config.Options.Keys)
        {
            if (!_known.Contains(key))
            {
                Report(key, $"unknown key for a middleware of type '{_config.Type}'{NameSuggestions.Ending(key, _known.Where(k => k != "type"))}");
            }
        }
    }

    private bool TryGet(string key, bool required, out object? value)
    {
        _known.Add(key);
        if (_config.Options.TryGetValue(key, out object? found))
        {
            value = found;
            return true;
        }

        if (required)
        {
            Report(key, $"is required for a middleware of type '{_config.Type}'.");
        }

        value = null;
        return false;
    }

    private static string Describe(object? value) => value switch
    {
        null => "nothing",
        string => "a string",
        bool => "a boolean",
        long or int => "an integer",
        double => "a float",
        IReadOnlyDictionary<string, object> => "a table",
        IReadOnlyList<object> => "a list",
        _ => value.GetType().Name,
    };
}
