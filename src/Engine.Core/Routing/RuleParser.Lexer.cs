using System.Text;

namespace Engine.Core.Routing;

public static partial class RuleParser
{
    private sealed partial class Parser
    {
        private Token Peek()
        {
            if (!_hasCurrent)
            {
                _current = Lex();
                _hasCurrent = true;
            }

            return _current;
        }

        private Token Take()
        {
            Token token = Peek();
            _hasCurrent = false;
            return token;
        }

        private Token Lex()
        {
            while (_position < rule.Length && IsWhiteSpace(rule[_position]))
            {
                _position++;
            }

            int start = _position;
            if (start >= rule.Length)
            {
                return new Token(TokenKind.End, start, 0, null);
            }

            char c = rule[start];
            switch (c)
            {
                case '(':
                    _position++;
                    return new Token(TokenKind.OpenParen, start, 1, null);
                case ')':
                    _position++;
                    return new Token(TokenKind.CloseParen, start, 1, null);
                case ',':
                    _position++;
                    return new Token(TokenKind.Comma, start, 1, null);
                case '!':
                    _position++;
                    return new Token(TokenKind.Not, start, 1, null);
                case '&':
                case '|':
                    if (start + 1 < rule.Length && rule[start + 1] == c)
                    {
                        _position += 2;
                        return new Token(c == '&' ? TokenKind.And : TokenKind.Or, start, 2, null);
                    }

                    string op = c == '&' ? "&&" : "||";
                    throw Error(start + 1, $"expected '{op}' but found '{c}'", $"write {op} for {(c == '&' ? "and" : "or")}");
                case '`':
                    return LexRaw(start);
                case '"':
                    return LexQuoted(start);
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                int end = start + 1;
                while (end < rule.Length && (char.IsAsciiLetterOrDigit(rule[end]) || rule[end] == '_'))
                {
                    end++;
                }

                _position = end;
                return new Token(TokenKind.Identifier, start, end - start, MatcherCatalog.Intern(rule.AsSpan(start, end - start)));
            }

            string? hint = c is '\'' or '\u2018' or '\u2019' ? "quote values with backticks or double quotes, e.g. Host(`example.com`)" : null;
            throw Error(start + 1, $"unexpected character '{c}'", hint);
        }

        private Token LexRaw(int start)
        {
            int end = rule.IndexOf('`', start + 1);
            if (end < 0)
            {
                throw Error(start + 1, "unterminated value", "close it with a backtick (`)");
            }

            _position = end + 1;
            return new Token(TokenKind.Value, start, end + 1 - start, rule[(start + 1)..end]);
        }

        private Token LexQuoted(int start)
        {
            var builder = new StringBuilder();
            int i = start + 1;
            while (i < rule.Length)
            {
                char c = rule[i];
                if (c == '"')
                {
                    _position = i + 1;
                    return new Token(TokenKind.Value, start, i + 1 - start, builder.ToString());
                }

                if (c == '\\')
                {
                    char escaped = i + 1 < rule.Length ? rule[i + 1] : '\0';
                    char? decoded = escaped switch
                    {
                        '\\' => '\\',
                        '"' => '"',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        _ => null,
                    };
                    if (decoded is null)
                    {
                        throw Error(i + 1, $"unsupported escape '\\{(escaped == '\0' ? "" : escaped.ToString())}' in a double-quoted value",
                            "double quotes take only \\\\ \\\" \\n \\r \\t; write regular expressions in backticks, e.g. PathRegexp(`^/v[0-9]+/`)");
                    }

                    builder.Append(decoded.Value);
                    i += 2;
                    continue;
                }

                builder.Append(c);
                i++;
            }

            throw Error(start + 1, "unterminated value", "close it with a double quote (\")");
        }

        private static bool IsWhiteSpace(char c) => c is ' ' or '\t' or '\r' or '\n';
    }
}
