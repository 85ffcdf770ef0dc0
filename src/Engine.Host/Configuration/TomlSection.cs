using System.Globalization;
using Engine.Core.Configuration;
using Engine.Host.Configuration.Toml;

namespace Engine.Host.Configuration;

/// <summary>
/// One TOML table being bound by hand (no reflection, so trimming and native AOT keep working):
/// typed reads that report a wrong type at the value and return null, so binding carries on and
/// every problem of a file is found in one pass. Creating a section reports its unknown keys and
/// records where each of its keys was written.
/// </summary>
internal readonly struct TomlSection
{
    private readonly BindingContext _context;

    /// <param name="knownKeys">The keys this table may have; null for a table of names (<c>[routers]</c>), where any key is a name.</param>
    public TomlSection(BindingContext context, TomlTable table, string path, TomlPosition position, IReadOnlyList<string>? knownKeys)
    {
        _context = context;
        Table = table;
        Path = path;
        Position = position;
        foreach (TomlKeyValue entry in table)
        {
            string keyPath = Child(entry.Key);
            context.Positions[keyPath] = entry.KeyPosition;
            if (knownKeys is not null && !knownKeys.Contains(entry.Key))
            {
                context.Report(entry.KeyPosition, keyPath, UnknownKeyMessage(path, entry.Key, knownKeys));
            }
        }
    }

    public TomlTable Table { get; }

    /// <summary>The key path of this table, e.g. <c>services.web.load_balancer</c>.</summary>
    public string Path { get; }

    /// <summary>Where the table was named: its key, or the <c>[[header]]</c> of an array element.</summary>
    public TomlPosition Position { get; }

    public string Child(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public bool Has(string key) => Table.ContainsKey(key);

    /// <param name="tablePath">The table the key was found in; "" for the top level.</param>
    public static string UnknownKeyMessage(string tablePath, string key, IReadOnlyList<string> knownKeys)
    {
        if ((NotYetSupported(key) ?? TraefikVocabulary.Hint(tablePath, key, knownKeys)) is { } hint)
        {
            return hint;
        }

        return knownKeys.Count == 0
            ? $"unknown key '{key}'."
            : $"unknown key '{key}'{NameSuggestions.Ending(key, knownKeys)}";
    }

    /// <summary>Keys of features the engine will have but does not yet: say so instead of "unknown".</summary>
    public static string? NotYetSupported(string key) => key switch
    {
        "tls" => "TLS is not supported yet.",
        "health_check" or "healthcheck" => "active health checks are not supported yet.",
        _ => null,
    };

    public string? String(string key) =>
        Table.TryGetValue(key, out TomlNode? node) ? ReadString(node, Child(key)) : null;

    /// <summary>The string, or "" after reporting that it is required.</summary>
    public string RequiredString(string key)
    {
        if (Table.TryGetValue(key, out TomlNode? node))
        {
            return ReadString(node, Child(key)) ?? "";
        }

        _context.Report(Position, Child(key), "is required.");
        return "";
    }

    public bool? Boolean(string key)
    {
        if (!Table.TryGetValue(key, out TomlNode? node))
        {
            return null;
        }

        if (node is TomlValue { Kind: TomlKind.Boolean } value)
        {
            return value.GetBoolean();
        }

        if (IsSubstitution(node))
        {
            string? text = ReadString(node, Child(key));
            if (text is null)
            {
                return null;
            }

            if (bool.TryParse(text, out bool parsed))
            {
                return parsed;
            }

            _context.Report(node.Position, Child(key), $"expected true or false, found '{text}' after substitution.");
            return null;
        }

        ReportWrongType(node, key, "a boolean (true or false)");
        return null;
    }

    public long? Int64(string key, long min = long.MinValue, long max = long.MaxValue)
    {
        if (!Table.TryGetValue(key, out TomlNode? node))
        {
            return null;
        }

        long number;
        if (node is TomlValue { Kind: TomlKind.Integer } value)
        {
            number = value.GetInteger();
        }
        else if (IsSubstitution(node))
        {
            string? text = ReadString(node, Child(key));
            if (text is null)
            {
                return null;
            }

            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
            {
                _context.Report(node.Position, Child(key), $"expected an integer, found '{text}' after substitution.");
                return null;
            }
        }
        else
        {
            ReportWrongType(node, key, "an integer");
            return null;
        }

        if (number < min || number > max)
        {
            _context.Report(node.Position, Child(key), $"{number} is out of range; expected {min} to {max}.");
            return null;
        }

        return number;
    }

    public int? Int32(string key) => (int?)Int64(key, int.MinValue, int.MaxValue);

    public TimeSpan? Duration(string key)
    {
        if (!Table.TryGetValue(key, out TomlNode? node))
        {
            return null;
        }

        if (node is TomlValue { Kind: TomlKind.Integer } seconds)
        {
            long value = seconds.GetInteger();
            long limit = (long)TimeSpan.MaxValue.TotalSeconds;
            if (value > limit || value < -limit)
            {
                _context.Report(node.Position, Child(key), $"{value} seconds is too long a duration.");
                return null;
            }

            return TimeSpan.FromSeconds(value);
        }

        if (node is not TomlValue { Kind: TomlKind.String })
        {
            ReportWrongType(node, key, DurationParser.Expected);
            return null;
        }

        string? text = ReadString(node, Child(key));
        if (text is null)
        {
            return null;
        }

        if (!DurationParser.TryParse(text, out TimeSpan duration, out string? error))
        {
            _context.Report(node.Position, Child(key), error + ".");
            return null;
        }

        return duration;
    }

    /// <summary>A byte size that fits an <see cref="int"/>; the validator judges negative ones.</summary>
    public int? Int32Size(string key) => (int?)Size(key, int.MinValue, int.MaxValue);

    /// <summary>A byte size from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public long? Size(string key, long min = long.MinValue, long max = long.MaxValue)
    {
        if (!Table.TryGetValue(key, out TomlNode? node))
        {
            return null;
        }

        long bytes;
        if (node is TomlValue { Kind: TomlKind.Integer } integer)
        {
            bytes = integer.GetInteger();
        }
        else if (node is TomlValue { Kind: TomlKind.String })
        {
            string? text = ReadString(node, Child(key));
            if (text is null)
            {
                return null;
            }

            if (!SizeParser.TryParse(text, out bytes, out string? error))
            {
                _context.Report(node.Position, Child(key), error + ".");
                return null;
            }
        }
        else
        {
            ReportWrongType(node, key, SizeParser.Expected);
            return null;
        }

        if (bytes < min)
        {
            _context.Report(node.Position, Child(key), $"{bytes} is out of range; expected at least {min}.");
            return null;
        }

        if (bytes > max)
        {
            _context.Report(node.Position, Child(key), $"{bytes} bytes is too large; at most {max} ({SizeParser.Format(max)}).");
            return null;
        }

        return bytes;
    }

    /// <summary>A sub-table, or null when absent or not a table (reported).</summary>
    public TomlSection? Section(string key, IReadOnlyList<string>? knownKeys)
    {
        if (!Table.TryGetEntry(key, out TomlKeyValue entry))
        {
            return null;
        }

        if (entry.Value is not TomlTable table)
        {
            ReportWrongType(entry.Value, key, "a table");
            return null;
        }

        return new TomlSection(_context, table, Child(key), entry.KeyPosition, knownKeys);
    }

    /// <summary>The elements of an array of tables (<c>[[key]]</c>, or an array of inline tables), each indexed as <c>key[i]</c>.</summary>
    public List<TomlSection> Sections(string key, IReadOnlyList<string> knownKeys)
    {
        var sections = new List<TomlSection>();
        if (!Table.TryGetValue(key, out TomlNode? node))
        {
            return sections;
        }

        if (node is not TomlArray array)
        {
            ReportWrongType(node, key, "an array of tables ([[" + Child(key) + "]])");
            return sections;
        }

        for (int i = 0; i < array.Count; i++)
        {
            string elementPath = $"{Child(key)}[{i}]";
            _context.Positions[elementPath] = array[i].Position;
            if (array[i] is TomlTable element)
            {
                sections.Add(new TomlSection(_context, element, elementPath, element.Position, knownKeys));
            }
            else
            {
                _context.Report(array[i].Position, elementPath, $"expected a table, found {array[i].Kind.ToDisplayName()}.");
            }
        }

        return sections;
    }

    /// <summary>An array of strings; elements of another type are reported and left out.</summary>
    public List<string>? Strings(string key)
    {
        if (!Table.TryGetValue(key, out TomlNode? node))
        {
            return null;
        }

        if (node is not TomlArray array)
        {
            ReportWrongType(node, key, "an array of strings");
            return null;
        }

        var strings = new List<string>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            string elementPath = $"{Child(key)}[{i}]";
            _context.Positions[elementPath] = array[i].Position;
            if (ReadString(array[i], elementPath) is { } text)
            {
                strings.Add(text);
            }
        }

        return strings;
    }

    /// <summary>
    /// The value of <paramref name="key"/> as a plain .NET value, for keys whose meaning belongs to
    /// someone else (a middleware type reads its own): strings (after <c>${...}</c> substitution),
    /// <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, arrays as
    /// <see cref="List{T}"/> of values, tables as an <see cref="OrderedDictionary{TKey, TValue}"/>
    /// in written order. Where every nested key and element was written is recorded
    /// (<c>key.name</c>, <c>key[1]</c>). A value that cannot be one (a date, an unset variable) is
    /// reported and left out: null in its place, its entry missing from a table, and a list that
    /// holds one is dropped whole.
    /// </summary>
    public object? Plain(string key) =>
        Table.TryGetValue(key, out TomlNode? node) ? ReadPlain(node, Child(key)) : null;

    private object? ReadPlain(TomlNode node, string keyPath)
    {
        switch (node)
        {
            case TomlValue { Kind: TomlKind.String }:
                return ReadString(node, keyPath);
            case TomlValue { Kind: TomlKind.Integer } integer:
                return integer.GetInteger();
            case TomlValue { Kind: TomlKind.Float } number:
                return number.GetFloat();
            case TomlValue { Kind: TomlKind.Boolean } boolean:
                return boolean.GetBoolean();
            case TomlArray array:
                var items = new List<object>(array.Count);
                bool complete = true;
                for (int i = 0; i < array.Count; i++)
                {
                    string itemPath = $"{keyPath}[{i}]";
                    _context.Positions[itemPath] = array[i].Position;
                    if (ReadPlain(array[i], itemPath) is { } item)
                    {
                        items.Add(item);
                    }
                    else
                    {
                        complete = false;
                    }
                }

                if (!complete)
                {
                    // A list with a hole would shift every later index away from where it was
                    // written, so it is dropped whole, and what its owner would say about the
                    // missing list ("is required") is noise after the element's own problem.
                    _context.MarkReported(keyPath);
                    return null;
                }

                return items;
            case TomlTable table:
                // Entries are found by name, so one that cannot be read is left out (reported)
                // and the rest still go to their owner to judge.
                var entries = new OrderedDictionary<string, object>(table.Count, StringComparer.Ordinal);
                foreach (TomlKeyValue entry in table)
                {
                    string entryPath = $"{keyPath}.{entry.Key}";
                    _context.Positions[entryPath] = entry.KeyPosition;
                    if (ReadPlain(entry.Value, entryPath) is { } value)
                    {
                        entries.Add(entry.Key, value);
                    }
                }

                return entries;
            default:
                _context.Report(node.Position, keyPath, $"expected a string, a number, a boolean, an array or a table, found {Describe(node)}.");
                return null;
        }
    }

    private string? ReadString(TomlNode node, string keyPath)
    {
        if (node is not TomlValue { Kind: TomlKind.String } value)
        {
            _context.Report(node.Position, keyPath, $"expected a string, found {Describe(node)}.");
            return null;
        }

        if (!EnvironmentSubstitution.TrySubstitute(value.GetString(), _context.Environment, out string? result, out string? error))
        {
            _context.Report(node.Position, keyPath, error + ".");
            return null;
        }

        return result;
    }

    /// <summary>
    /// A string standing for a typed value through a variable (<c>weight = "${CANARY_WEIGHT:-5}"</c>):
    /// TOML has no other way to take a number or boolean from the environment.
    /// </summary>
    private static bool IsSubstitution(TomlNode node) =>
        node is TomlValue { Kind: TomlKind.String } value && EnvironmentSubstitution.HasReferences(value.GetString());

    private void ReportWrongType(TomlNode node, string key, string expected) =>
        _context.Report(node.Position, Child(key), $"expected {expected}, found {Describe(node)}.");

    private static string Describe(TomlNode node) => node switch
    {
        TomlValue { Kind: TomlKind.String } s => $"the string \"{s.GetString()}\"",
        TomlValue v => $"{v.Kind.ToDisplayName()} ({v})",
        _ => node.Kind.ToDisplayName(),
    };
}
