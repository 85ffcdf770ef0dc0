using System.Text;

namespace Engine.Host.Configuration.Toml;

// The four string forms (https://toml.io/en/v1.0.0#string). Each scans its plain run with one
// vectorized search and only copies into the builder when an escape or a newline interrupts it.
internal sealed partial class TomlParser
{
    // basic-string = quotation-mark *basic-char quotation-mark
    private string ParseBasicString()
    {
        _pos++;
        int i = _text.AsSpan(_pos).IndexOfAny(TomlCharacters.BasicStringStop);
        if (i >= 0 && _text[_pos + i] == '"')
        {
            string plain = _text.Substring(_pos, i);
            _pos += i + 1;
            return plain;
        }

        _builder.Clear();
        while (true)
        {
            if (i < 0)
            {
                _pos = _text.Length;
                throw Error("unterminated string: expected '\"' before end of file");
            }

            _builder.Append(_text.AsSpan(_pos, i));
            _pos += i;
            char c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return _builder.ToString();
            }

            if (c == '\\')
            {
                AppendEscape();
            }
            else if (IsNewlineAt(_pos))
            {
                throw Error("unterminated string: expected '\"' before end of line (use \"\"\" for a multi-line string)");
            }
            else
            {
                throw Error($"{Describe(_pos)} must be escaped in a string");
            }

            i = _text.AsSpan(_pos).IndexOfAny(TomlCharacters.BasicStringStop);
        }
    }

    // ml-basic-string = ml-basic-string-delim [ newline ] ml-basic-body ml-basic-string-delim
    private string ParseMultiLineBasicString()
    {
        TomlPosition open = Position(_pos);
        _pos += 3;
        TryConsumeNewline();
        _builder.Clear();
        while (true)
        {
            int i = _text.AsSpan(_pos).IndexOfAny(TomlCharacters.BasicStringStop);
            if (i < 0)
            {
                _pos = _text.Length;
                throw Error($"unterminated multi-line string opened at {At(open)}: expected '\"\"\"' before end of file");
            }

            _builder.Append(_text.AsSpan(_pos, i));
            _pos += i;
            char c = _text[_pos];
            if (c == '"')
            {
                if (ReadQuotesOrClose('"'))
                {
                    return _builder.ToString();
                }
            }
            else if (c == '\\')
            {
                if (!TrySkipLineEndingBackslash())
                {
                    AppendEscape();
                }
            }
            else if (!TryAppendNewline())
            {
                throw Error($"{Describe(_pos)} must be escaped in a string");
            }
        }
    }

    // literal-string = apostrophe *literal-char apostrophe
    private string ParseLiteralString()
    {
        _pos++;
        int i = _text.AsSpan(_pos).IndexOfAny(TomlCharacters.LiteralStringStop);
        if (i < 0)
        {
            _pos = _text.Length;
            throw Error("unterminated literal string: expected \"'\" before end of file");
        }

        _pos += i;
        if (_text[_pos] == '\'')
        {
            _pos++;
            return _text.Substring(_pos - 1 - i, i);
        }

        throw Error(IsNewlineAt(_pos)
            ? "unterminated literal string: expected \"'\" before end of line (use ''' for a multi-line string)"
            : $"{Describe(_pos)} is not allowed in a literal string");
    }

    // ml-literal-string = ml-literal-string-delim [ newline ] ml-literal-body ml-literal-string-delim
    private string ParseMultiLineLiteralString()
    {
        TomlPosition open = Position(_pos);
        _pos += 3;
        TryConsumeNewline();
        _builder.Clear();
        while (true)
        {
            int i = _text.AsSpan(_pos).IndexOfAny(TomlCharacters.LiteralStringStop);
            if (i < 0)
            {
                _pos = _text.Length;
                throw Error($"unterminated multi-line literal string opened at {At(open)}: expected \"'''\" before end of file");
            }

            _builder.Append(_text.AsSpan(_pos, i));
            _pos += i;
            if (_text[_pos] == '\'')
            {
                if (ReadQuotesOrClose('\''))
                {
                    return _builder.ToString();
                }
            }
            else if (!TryAppendNewline())
            {
                throw Error($"{Describe(_pos)} is not allowed in a literal string");
            }
        }
    }

    /// <summary>
    /// At a run of quotes inside a multi-line string: one or two are content; three or more close the
    /// string, and up to two more before the closing three are content (mlb-quotes before the delimiter).
    /// A sixth quote is left for the caller, which reports it as text after the value.
    /// </summary>
    private bool ReadQuotesOrClose(char quote)
    {
        int run = _text.AsSpan(_pos).IndexOfAnyExcept(quote);
        if (run < 0)
        {
            run = _text.Length - _pos;
        }

        if (run < 3)
        {
            _builder.Append(quote, run);
            _pos += run;
            return false;
        }

        int content = Math.Min(run - 3, 2);
        _builder.Append(quote, content);
        _pos += content + 3;
        return true;
    }

    /// <summary>A newline inside a multi-line string is content; CRLF becomes LF.</summary>
    private bool TryAppendNewline()
    {
        if (!TryConsumeNewline())
        {
            return false;
        }

        _builder.Append('\n');
        return true;
    }

    // mlb-escaped-nl = escape ws newline *( wschar / newline ): a backslash ending a line trims the
    // newline and all whitespace and newlines after it. A backslash followed by spaces and then
    // something else is an invalid escape, which AppendEscape reports.
    private bool TrySkipLineEndingBackslash()
    {
        int j = _pos + 1;
        while (j < _text.Length && TomlCharacters.IsWhitespace(_text[j]))
        {
            j++;
        }

        if (!IsNewlineAt(j))
        {
            return false;
        }

        _pos = j;
        do
        {
            SkipWhitespace();
        }
        while (TryConsumeNewline());

        return true;
    }

    // escaped = escape escape-seq-char
    // escape-seq-char = %x22 / %x5C / %x62 / %x66 / %x6E / %x72 / %x74 / %x75 4HEXDIG / %x55 8HEXDIG
    private void AppendEscape()
    {
        int at = _pos;
        if (_pos + 1 >= _text.Length)
        {
            throw Error("unterminated string: expected an escape sequence after '\\', found end of file");
        }

        char e = _text[_pos + 1];
        _pos += 2;
        switch (e)
        {
            case 'b': _builder.Append('\b'); break;
            case 't': _builder.Append('\t'); break;
            case 'n': _builder.Append('\n'); break;
            case 'f': _builder.Append('\f'); break;
            case 'r': _builder.Append('\r'); break;
            case '"': _builder.Append('"'); break;
            case '\\': _builder.Append('\\'); break;
            case 'u': AppendUnicodeEscape(at, 4); break;
            case 'U': AppendUnicodeEscape(at, 8); break;
            default:
                throw ErrorAt(at, e is 'e' or 'x'
                    ? $"invalid escape sequence '\\{e}' (it is TOML 1.1; TOML 1.0 has \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)"
                    : $"invalid escape sequence: '\\' followed by {Describe(at + 1)} (TOML 1.0 has \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)");
        }
    }

    private void AppendUnicodeEscape(int at, int digits)
    {
        char u = _text[at + 1];
        uint scalar = 0;
        for (int k = 0; k < digits; k++)
        {
            int d = _pos + k < _text.Length ? HexValue(_text[_pos + k]) : -1;
            if (d < 0)
            {
                throw ErrorAt(at, $"invalid escape sequence: '\\{u}' must be followed by {digits} hexadecimal digits");
            }

            scalar = (scalar << 4) | (uint)d;
        }

        if (!Rune.IsValid(scalar))
        {
            throw ErrorAt(at, $"invalid escape sequence '\\{u}{_text.AsSpan(_pos, digits)}': not a Unicode scalar value (surrogates and values above 10FFFF are not characters)");
        }

        _pos += digits;
        Span<char> utf16 = stackalloc char[2];
        int length = new Rune(scalar).EncodeToUtf16(utf16);
        _builder.Append(utf16[..length]);
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
