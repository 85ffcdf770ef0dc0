namespace Engine.Host.Configuration.Toml;

// TOML's definition rules (https://toml.io/en/v1.0.0#table, #array-of-tables, #keys):
// - a table is defined once, by one [header], by dotted keys, or inline; a header may still define
//   a table that an earlier header only created as a prefix ([a.b] creates a, [a] then defines it);
// - dotted keys may add to a table created by dotted keys, never to one defined by a header;
// - a header may pass through a table created by dotted keys ([fruit.apple.texture] after
//   fruit.apple.color = ...), but not define it;
// - inline tables and static arrays are complete once written: nothing extends them;
// - [[a]] appends to an array of tables only, and a header passing through one enters its last element.
internal sealed partial class TomlParser
{
    // std-table = "[" ws key ws "]"; array-table = "[[" ws key ws "]]"
    private TomlTable ParseTableHeader(TomlTable root)
    {
        TomlPosition header = Position(_pos);
        _pos++;
        bool isArray = _pos < _text.Length && _text[_pos] == '[';
        if (isArray)
        {
            _pos++;
        }

        SkipWhitespace();
        ParseKey();
        if (_pos >= _text.Length || _text[_pos] != ']')
        {
            throw Error($"expected '.' or ']' after {KeyText(_key.Count - 1)} in table header, found {Describe(_pos)}");
        }

        _pos++;
        if (isArray)
        {
            if (_pos >= _text.Length || _text[_pos] != ']')
            {
                throw Error($"expected ']]' to close array-of-tables header {KeyText(_key.Count - 1)}, found ']' followed by {Describe(_pos)}");
            }

            _pos++;
            return OpenArrayOfTablesElement(root, header);
        }

        return OpenTable(root, header);
    }

    private TomlTable OpenTable(TomlTable root, TomlPosition header)
    {
        TomlTable parent = WalkHeaderPrefix(root);
        KeyPart last = _key[^1];
        if (!parent.TryGetEntry(last.Name, out TomlKeyValue entry))
        {
            return AddTable(parent, last, TomlTableOrigin.Header, header);
        }

        if (entry.Value is TomlTable { Origin: TomlTableOrigin.Implicit } table)
        {
            // Created as a prefix of an earlier header; this header defines it. Point at the definition.
            table.Origin = TomlTableOrigin.Header;
            table.Position = header;
            parent.MoveKey(last.Name, last.Position);
            return table;
        }

        throw ErrorAt(last.Position, $"cannot define table {KeyText(_key.Count - 1)}: it is already defined as {DefinedAs(entry)}");
    }

    private TomlTable OpenArrayOfTablesElement(TomlTable root, TomlPosition header)
    {
        TomlTable parent = WalkHeaderPrefix(root);
        KeyPart last = _key[^1];
        TomlArray array;
        if (!parent.TryGetEntry(last.Name, out TomlKeyValue entry))
        {
            CheckDepth(parent.Depth + 2, last.Position);
            array = new TomlArray(header, isArrayOfTables: true, parent.Depth + 1);
            parent.Add(last.Name, last.Position, array);
        }
        else if (entry.Value is TomlArray { IsArrayOfTables: true } existing)
        {
            array = existing;
        }
        else
        {
            throw ErrorAt(last.Position, $"cannot define array of tables {KeyText(_key.Count - 1)}: it is already defined as {DefinedAs(entry)}");
        }

        var element = new TomlTable(header, TomlTableOrigin.ArrayElement, array.Depth + 1);
        array.Add(element);
        return element;
    }

    /// <summary>Follows all but the last part of a header's key, creating the missing tables as prefixes.</summary>
    private TomlTable WalkHeaderPrefix(TomlTable root)
    {
        TomlTable table = root;
        for (int i = 0; i < _key.Count - 1; i++)
        {
            KeyPart part = _key[i];
            if (!table.TryGetEntry(part.Name, out TomlKeyValue entry))
            {
                table = AddTable(table, part, TomlTableOrigin.Implicit, part.Position);
                continue;
            }

            switch (entry.Value)
            {
                case TomlTable { IsInline: false } next:
                    table = next;
                    break;
                case TomlArray { IsArrayOfTables: true } array:
                    table = (TomlTable)array[array.Count - 1];
                    break;
                default:
                    throw ErrorAt(part.Position,
                        $"cannot define table {KeyText(_key.Count - 1)}: {KeyText(i)} is already defined as {DefinedAs(entry)}");
            }
        }

        return table;
    }

    /// <summary>
    /// Follows all but the last part of a key/value's dotted key from <paramref name="table"/>, creating
    /// the missing tables; returns the table that receives the last part.
    /// </summary>
    private TomlTable ResolveDottedKey(TomlTable table)
    {
        for (int i = 0; i < _key.Count - 1; i++)
        {
            KeyPart part = _key[i];
            if (!table.TryGetEntry(part.Name, out TomlKeyValue entry))
            {
                table = AddTable(table, part, TomlTableOrigin.Dotted, part.Position);
                continue;
            }

            if (entry.Value is TomlTable { Origin: TomlTableOrigin.Dotted } dotted)
            {
                table = dotted;
                continue;
            }

            if (entry.Value is TomlTable { Origin: TomlTableOrigin.Implicit } implied)
            {
                // A prefix of a header ([a.b.c] implies a.b) that dotted keys now fill in is defined by
                // them, as toml-edit and BurntSushi/toml read the spec: no header may define it later,
                // and messages point at this key.
                implied.Origin = TomlTableOrigin.Dotted;
                implied.Position = part.Position;
                table.MoveKey(part.Name, part.Position);
                table = implied;
                continue;
            }

            throw ErrorAt(part.Position,
                $"cannot set key {KeyText(_key.Count - 1)}: {KeyText(i)} is already defined as {DefinedAs(entry)}");
        }

        return table;
    }

    private TomlTable AddTable(TomlTable parent, KeyPart part, TomlTableOrigin origin, TomlPosition position)
    {
        CheckDepth(parent.Depth + 1, part.Position);
        var table = new TomlTable(position, origin, parent.Depth + 1);
        parent.Add(part.Name, part.Position, table);
        return table;
    }

    private static void CheckDepth(int depth, TomlPosition position)
    {
        if (depth > TomlDocument.MaxNestingDepth)
        {
            throw ErrorAt(position, $"tables and arrays nest more than {TomlDocument.MaxNestingDepth} levels deep");
        }
    }

    /// <summary>"a static array at 3:1": what an existing entry is and where its key was written.</summary>
    private static string DefinedAs(TomlKeyValue entry)
    {
        string what = entry.Value switch
        {
            TomlTable { Origin: TomlTableOrigin.Inline } => "an inline table at",
            TomlTable { Origin: TomlTableOrigin.Dotted } => "a table by the dotted key at",
            TomlTable { Origin: TomlTableOrigin.Implicit } => "a table by the longer [header] at",
            TomlTable => "a table by the [header] at",
            TomlArray { IsArrayOfTables: true } => "an array of tables at",
            TomlArray => "a static array at",
            _ => $"{entry.Value.Kind.ToDisplayName()} at",
        };
        return $"{what} {At(entry.KeyPosition)}";
    }
}
