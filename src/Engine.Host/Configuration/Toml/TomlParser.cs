using System.Diagnostics;
using System.Text;

namespace Engine.Host.Configuration.Toml;

/// <summary>
/// Recursive-descent parser for TOML 1.0.0 over the decoded text. One instance parses one document.
/// Lines and columns are tracked as the parser goes, so every key and value gets its position in
/// constant time and the whole parse stays linear.
/// </summary>
/// <remarks>
/// Split by grammar area: this file holds the document loop, keys, whitespace, comments and positions;
/// <c>.Tables</c> the header and dotted-key rules, <c>.Values</c> arrays and inline tables,
/// <c>.Strings</c>, <c>.Numbers</c> and <c>.DateTimes</c> the scalars.
/// </remarks>
internal sealed partial class TomlParser
{
    private readonly string _text;
    private readonly string? _fileName;

    // Scratch space reused across the document: strings with escapes, and the parts of the key being read.
    private readonly StringBuilder _builder = new();
    private readonly List<KeyPart> _key = [];

    private int _pos;
    private int _line = 1;
    private int _lineStart;

    // Column cache: the column of _columnOffset on the current line. Positions are asked for in
    // increasing order, so counting from the last answer keeps a long line linear.
    private int _columnOffset;
    private int _column = 1;

    public TomlParser(string text, string? fileName)
    {
        _text = text;
        _fileName = fileName;

        // A byte-order mark is allowed at the very start only; it takes no column.
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            _pos = _lineStart = _columnOffset = 1;
        }
    }

    // toml = expression *( newline expression )
    // expression = ws [ comment ] / ws keyval ws [ comment ] / ws table ws [ comment ]
    public TomlTable ParseDocument()
    {
        RejectLoneSurrogates();

        var root = new TomlTable(new TomlPosition(_fileName, 1, 1), TomlTableOrigin.Root, depth: 0);
        TomlTable current = root;
        while (true)
        {
            SkipWhitespace();
            if (_pos >= _text.Length)
            {
                return root;
            }

            char c = _text[_pos];
            if (c == '[')
            {
                current = ParseTableHeader(root);
                EndLine("table header");
            }
            else if (c is '#' or '\n' or '\r')
            {
                EndLine("whitespace");
            }
            else
            {
                ParseKeyValue(current);
                EndLine("value");
            }
        }
    }

    /// <summary>
    /// Reports invalid UTF-8 found while decoding, at the line and column of the first bad byte.
    /// </summary>
    internal static TomlException InvalidUtf8(ReadOnlySpan<char> decodedBefore, byte badByte, string? fileName) =>
        new($"invalid UTF-8: byte 0x{badByte:X2} does not begin a valid sequence (TOML files must be UTF-8)",
            PositionAfter(decodedBefore, fileName));

    // keyval = key keyval-sep val
    private void ParseKeyValue(TomlTable table)
    {
        ParseKey();
        if (_pos >= _text.Length || _text[_pos] != '=')
        {
            throw Error($"expected '=' after key {KeyText(_key.Count - 1)}, found {Describe(_pos)}");
        }

        _pos++;
        SkipWhitespace();

        TomlTable target = ResolveDottedKey(table);
        KeyPart last = _key[^1];
        if (target.TryGetEntry(last.Name, out TomlKeyValue existing))
        {
            throw ErrorAt(last.Position, $"duplicate key {KeyText(_key.Count - 1)}: already defined at {At(existing.KeyPosition)}");
        }

        // _key is scratch space and the value may hold inline tables with keys of their own: everything
        // needed from it was read above.
        TomlNode value = ParseValue(target.Depth + 1);
        target.Add(last.Name, last.Position, value);
    }

    // key = simple-key / dotted-key; dotted-key = simple-key 1*( dot-sep simple-key ); dot-sep = ws "." ws
    // simple-key = quoted-key / unquoted-key. Leaves the parts in _key and the position after trailing ws.
    private void ParseKey()
    {
        _key.Clear();
        while (true)
        {
            TomlPosition position = Position(_pos);
            ReadOnlySpan<char> rest = _text.AsSpan(_pos);
            int bare = rest.IndexOfAnyExcept(TomlCharacters.BareKey);
            if (bare < 0)
            {
                bare = rest.Length;
            }

            string name;
            if (bare > 0)
            {
                name = _text.Substring(_pos, bare);
                _pos += bare;
            }
            else if (!rest.IsEmpty && rest[0] is '"' or '\'')
            {
                if (rest.StartsWith("\"\"\"", StringComparison.Ordinal) || rest.StartsWith("'''", StringComparison.Ordinal))
                {
                    throw Error("a multi-line string cannot be used as a key");
                }

                name = rest[0] == '"' ? ParseBasicString() : ParseLiteralString();
            }
            else
            {
                throw Error($"expected a key, found {Describe(_pos)}");
            }

            _key.Add(new KeyPart(name, position));
            SkipWhitespace();
            if (_pos < _text.Length && _text[_pos] == '.')
            {
                _pos++;
                SkipWhitespace();
                continue;
            }

            return;
        }
    }

    // ws = *wschar; wschar = %x20 / %x09
    private void SkipWhitespace()
    {
        while (_pos < _text.Length && TomlCharacters.IsWhitespace(_text[_pos]))
        {
            _pos++;
        }
    }

    /// <summary>Ends an expression: optional whitespace and comment, then a newline or the end of the file.</summary>
    private void EndLine(string after)
    {
        SkipWhitespace();
        if (_pos < _text.Length && _text[_pos] == '#')
        {
            SkipComment();
        }

        if (_pos >= _text.Length || TryConsumeNewline())
        {
            return;
        }

        throw Error(_text[_pos] == '\r'
            ? "a carriage return must be followed by a line feed"
            : $"expected end of line after {after}, found {Describe(_pos)}");
    }

    /// <summary>Whitespace, comments and newlines, as allowed between array elements.</summary>
    private void SkipWhitespaceCommentsAndNewlines()
    {
        while (true)
        {
            SkipWhitespace();
            if (_pos < _text.Length && _text[_pos] == '#')
            {
                SkipComment();
            }

            if (!TryConsumeNewline())
            {
                return;
            }
        }
    }

    // comment = comment-start-symbol *non-eol; non-eol = %x09 / %x20-7E / non-ascii
    private void SkipComment()
    {
        Debug.Assert(_text[_pos] == '#', "at the comment start");
        int start = _pos + 1;
        int i = _text.AsSpan(start).IndexOfAny(TomlCharacters.CommentStop);
        if (i < 0)
        {
            _pos = _text.Length;
            return;
        }

        _pos = start + i;
        if (IsNewlineAt(_pos))
        {
            return;
        }

        throw Error(_text[_pos] == '\r'
            ? "a carriage return must be followed by a line feed"
            : $"{Describe(_pos)} is not allowed in a comment");
    }

    // newline = %x0A / %x0D.0A
    private bool IsNewlineAt(int offset) =>
        offset < _text.Length &&
        (_text[offset] == '\n' || (_text[offset] == '\r' && offset + 1 < _text.Length && _text[offset + 1] == '\n'));

    private bool TryConsumeNewline()
    {
        if (!IsNewlineAt(_pos))
        {
            return false;
        }

        _pos += _text[_pos] == '\r' ? 2 : 1;
        _line++;
        _lineStart = _columnOffset = _pos;
        _column = 1;
        return true;
    }

    private void RejectLoneSurrogates()
    {
        // A .NET string may hold half a surrogate pair; decoded UTF-8 never does. Pairs are rare in a
        // config, so one vectorized search usually finds nothing.
        ReadOnlySpan<char> text = _text;
        int i = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        while (i >= 0)
        {
            if (!char.IsHighSurrogate(text[i]) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
            {
                throw new TomlException($"invalid text: lone surrogate U+{(int)text[i]:X4}", PositionAfter(text[..i], _fileName));
            }

            i += 2;
            int next = text[i..].IndexOfAnyInRange('\uD800', '\uDFFF');
            i = next < 0 ? -1 : i + next;
        }
    }

    private TomlPosition Position(int offset)
    {
        Debug.Assert(offset >= _lineStart, "positions are taken on the current line");
        if (offset < _columnOffset)
        {
            _columnOffset = _lineStart;
            _column = 1;
        }

        int column = _column;
        for (int i = _columnOffset; i < offset && i < _text.Length; i++)
        {
            if (!char.IsLowSurrogate(_text[i]))
            {
                column++;
            }
        }

        _columnOffset = offset;
        _column = column;
        return new TomlPosition(_fileName, _line, column);
    }

    /// <summary>The position just after <paramref name="before"/>, counted from scratch: for errors found before parsing.</summary>
    private static TomlPosition PositionAfter(ReadOnlySpan<char> before, string? fileName)
    {
        int line = 1 + before.Count('\n');
        ReadOnlySpan<char> lastLine = before[(before.LastIndexOf('\n') + 1)..];
        if (line == 1 && lastLine.Length > 0 && lastLine[0] == '\uFEFF')
        {
            lastLine = lastLine[1..];
        }

        int column = 1;
        foreach (char c in lastLine)
        {
            if (!char.IsLowSurrogate(c))
            {
                column++;
            }
        }

        return new TomlPosition(fileName, line, column);
    }

    private TomlException Error(string reason) => new(reason, Position(_pos));

    private TomlException ErrorAt(int offset, string reason) => new(reason, Position(offset));

    private static TomlException ErrorAt(TomlPosition position, string reason) => new(reason, position);

    /// <summary>"3:7": where something else was defined, in the same file.</summary>
    private static string At(TomlPosition position) => $"{position.Line}:{position.Column}";

    /// <summary>What the parser found at <paramref name="offset"/>, for "expected X, found Y".</summary>
    private string Describe(int offset)
    {
        if (offset >= _text.Length)
        {
            return "end of file";
        }

        char c = _text[offset];
        if (IsNewlineAt(offset))
        {
            return "end of line";
        }

        if (TomlCharacters.IsControl(c))
        {
            return $"control character U+{(int)c:X4}";
        }

        if (c == '\'')
        {
            return "\"'\"";
        }

        if (c < 0x80)
        {
            return $"'{c}'";
        }

        // Non-ASCII may be invisible (U+3000 IDEOGRAPHIC SPACE) or look like ASCII: give the code point too.
        int scalar = char.IsHighSurrogate(c) && offset + 1 < _text.Length ? char.ConvertToUtf32(c, _text[offset + 1]) : c;
        return $"'{char.ConvertFromUtf32(scalar)}' (U+{scalar:X4})";
    }

    /// <summary>The key parts 0..<paramref name="lastPart"/> as one dotted, quoted name for messages.</summary>
    private string KeyText(int lastPart)
    {
        var text = new StringBuilder("\"");
        for (int i = 0; i <= lastPart; i++)
        {
            if (i > 0)
            {
                text.Append('.');
            }

            foreach (char c in _key[i].Name)
            {
                if (TomlCharacters.IsControl(c))
                {
                    text.Append($"\\u{(int)c:X4}");
                }
                else
                {
                    text.Append(c);
                }
            }
        }

        return text.Append('"').ToString();
    }

    private readonly record struct KeyPart(string Name, TomlPosition Position);
}
