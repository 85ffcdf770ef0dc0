namespace Engine.Host.Configuration.Toml;

internal sealed partial class TomlParser
{
    // val = string / boolean / array / inline-table / date-time / float / integer
    // depth is the nesting depth the value would have: containers deeper than the limit are refused
    // before the parser recurses into them.
    private TomlNode ParseValue(int depth)
    {
        if (_pos >= _text.Length)
        {
            throw Error("expected a value, found end of file");
        }

        TomlPosition position = Position(_pos);
        char c = _text[_pos];
        switch (c)
        {
            case '"':
                return TomlValue.String(position, IsAt("\"\"\"") ? ParseMultiLineBasicString() : ParseBasicString());
            case '\'':
                return TomlValue.String(position, IsAt("'''") ? ParseMultiLineLiteralString() : ParseLiteralString());
            case '[':
                return ParseArray(position, depth);
            case '{':
                return ParseInlineTable(position, depth);
            case 't':
                return ParseKeyword(position, "true", true);
            case 'f':
                return ParseKeyword(position, "false", false);
            default:
                if (TomlCharacters.IsDigit(c) || c is '+' or '-' or 'i' or 'n')
                {
                    return ParseNumberOrDateTime(position);
                }

                throw Error($"expected a value, found {Describe(_pos)}");
        }
    }

    private bool IsAt(string text) => _text.AsSpan(_pos).StartsWith(text, StringComparison.Ordinal);

    // boolean = true / false
    private TomlValue ParseKeyword(TomlPosition position, string keyword, bool value)
    {
        ReadOnlySpan<char> rest = _text.AsSpan(_pos);
        int length = rest.IndexOfAnyExcept(TomlCharacters.BareKey);
        if (length < 0)
        {
            length = rest.Length;
        }

        if (!rest[..length].SequenceEqual(keyword))
        {
            throw Error($"expected a value, found {Quote(rest[..length])} (booleans are lowercase true and false)");
        }

        _pos += length;
        return TomlValue.Boolean(position, value);
    }

    // array = "[" [ array-values ] ws-comment-newline "]"
    // array-values = ws-comment-newline val ws-comment-newline [ "," [ array-values ] ]
    private TomlArray ParseArray(TomlPosition position, int depth)
    {
        CheckDepth(depth, position);
        var array = new TomlArray(position, isArrayOfTables: false, depth);
        _pos++;
        while (true)
        {
            SkipWhitespaceCommentsAndNewlines();
            if (_pos < _text.Length && _text[_pos] == ']')
            {
                _pos++;
                return array;
            }

            array.Add(ParseValue(depth + 1));
            SkipWhitespaceCommentsAndNewlines();
            if (_pos < _text.Length && _text[_pos] == ',')
            {
                _pos++;
                continue;
            }

            if (_pos < _text.Length && _text[_pos] == ']')
            {
                _pos++;
                return array;
            }

            throw Error(_pos < _text.Length && _text[_pos] == '\r'
                ? "a carriage return must be followed by a line feed"
                : $"expected ',' or ']' after array element, found {Describe(_pos)}");
        }
    }

    // inline-table = "{" ws [ inline-table-keyvals ] ws "}"
    // inline-table-keyvals = keyval [ ws "," ws inline-table-keyvals ]
    // TOML 1.0 allows neither newlines nor a trailing comma in an inline table.
    private TomlTable ParseInlineTable(TomlPosition position, int depth)
    {
        CheckDepth(depth, position);
        var table = new TomlTable(position, TomlTableOrigin.Inline, depth);
        _pos++;
        SkipWhitespace();
        if (_pos < _text.Length && _text[_pos] == '}')
        {
            _pos++;
            return table;
        }

        while (true)
        {
            if (IsNewlineAt(_pos))
            {
                throw Error("expected a key, found end of line (an inline table must stay on one line in TOML 1.0)");
            }

            ParseKeyValue(table);
            SkipWhitespace();
            if (_pos < _text.Length && _text[_pos] == ',')
            {
                _pos++;
                SkipWhitespace();
                if (_pos < _text.Length && _text[_pos] == '}')
                {
                    throw Error("expected a key after ',' in inline table, found '}' (TOML 1.0 allows no trailing comma)");
                }

                continue;
            }

            if (_pos < _text.Length && _text[_pos] == '}')
            {
                _pos++;
                return table;
            }

            throw Error(IsNewlineAt(_pos)
                ? "expected ',' or '}' in inline table, found end of line (an inline table must stay on one line in TOML 1.0)"
                : $"expected ',' or '}}' in inline table, found {Describe(_pos)}");
        }
    }

    /// <summary>A token from the input for messages, in double quotes and cut short when long.</summary>
    private static string Quote(ReadOnlySpan<char> token) =>
        token.Length <= 40 ? $"\"{token}\"" : $"\"{token[..37]}...\"";
}
