using System.Buffers;
using System.Globalization;

namespace Engine.Host.Configuration.Toml;

// Integers and floats (https://toml.io/en/v1.0.0#integer, #float). The parser takes the whole run
// of number characters as one token and checks it against the grammar, so that "1.2.3" or "0x_1"
// is reported as one invalid number rather than a number followed by junk.
internal sealed partial class TomlParser
{
    // A 64-bit integer has at most 19 digits; with a sign and an underscore between every two digits
    // it is at most 38 characters. A longer decimal token is out of range whatever it holds.
    private const int MaxIntegerTokenLength = 38;

    private TomlValue ParseNumberOrDateTime(TomlPosition position)
    {
        int start = _pos;
        if (TomlCharacters.IsDigit(_text[start]))
        {
            if (LooksLikeDate(start))
            {
                return ParseDateOrDateTime(position);
            }

            if (LooksLikeTime(start))
            {
                return ParseLocalTime(position);
            }
        }

        ReadOnlySpan<char> rest = _text.AsSpan(start);
        int length = rest.IndexOfAnyExcept(TomlCharacters.NumberToken);
        if (length < 0)
        {
            length = rest.Length;
        }

        ReadOnlySpan<char> token = rest[..length];
        _pos = start + length;
        if (_pos < _text.Length && _text[_pos] == ':')
        {
            throw ErrorAt(position, $"invalid time {Quote(token)}: a time is written hh:mm:ss with two digits each");
        }

        int p = token[0] is '+' or '-' ? 1 : 0;
        ReadOnlySpan<char> unsigned = token[p..];

        // float =/ special-float; special-float = [ minus / plus ] ( inf / nan )
        if (unsigned.SequenceEqual("inf"))
        {
            return TomlValue.Float(position, token[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity);
        }

        if (unsigned.SequenceEqual("nan"))
        {
            return TomlValue.Float(position, double.NaN);
        }

        if (!unsigned.IsEmpty && char.IsAsciiLetter(unsigned[0]))
        {
            bool wrongCase = unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("nan", StringComparison.OrdinalIgnoreCase);
            throw ErrorAt(position, $"expected a value, found {Quote(token)}{(wrongCase ? " (inf and nan are lowercase)" : "")}");
        }

        if (unsigned.Length >= 2 && unsigned[0] == '0' && unsigned[1] is 'x' or 'o' or 'b')
        {
            if (p > 0)
            {
                throw InvalidNumber(token, position, $"a sign is not allowed before 0{unsigned[1]}");
            }

            int radix = unsigned[1] switch { 'x' => 16, 'o' => 8, _ => 2 };
            return TomlValue.Integer(position, ParseRadixInteger(token, unsigned[2..], radix, position));
        }

        return ParseDecimal(token, p, position);
    }

    // dec-int = [ minus / plus ] unsigned-dec-int; unsigned-dec-int = DIGIT / digit1-9 1*( DIGIT / underscore DIGIT )
    // float = float-int-part ( exp / frac [ exp ] ); frac = "." zero-prefixable-int; exp = "e" float-exp-part
    private TomlValue ParseDecimal(ReadOnlySpan<char> token, int p, TomlPosition position)
    {
        int integerStart = p;
        ScanDigits(token, ref p, 10, position, "");
        int integerEnd = p;
        if (p - integerStart > 1 && token[integerStart] == '0')
        {
            throw InvalidNumber(token, position, "leading zeros are not allowed");
        }

        bool isFloat = false;
        if (p < token.Length && token[p] == '.')
        {
            p++;
            ScanDigits(token, ref p, 10, position, " after '.'");
            isFloat = true;
        }

        if (p < token.Length && token[p] is 'e' or 'E')
        {
            p++;
            if (p < token.Length && token[p] is '+' or '-')
            {
                p++;
            }

            ScanDigits(token, ref p, 10, position, " in the exponent");
            isFloat = true;
        }

        if (p < token.Length)
        {
            string reason = token[p] switch
            {
                'X' or 'O' or 'B' when p == integerStart + 1 && token[integerStart] == '0' => "prefixes are lowercase: 0x, 0o, 0b",
                '-' when p == integerEnd => "unexpected '-' (a date is written yyyy-mm-dd, with a 4-digit year from 0001 to 9999)",
                _ => $"unexpected '{token[p]}'",
            };
            throw InvalidNumber(token, position, reason);
        }

        return isFloat ? ParseFloat(token, position) : TomlValue.Integer(position, ParseDecimalInteger(token, position));
    }

    private static long ParseDecimalInteger(ReadOnlySpan<char> token, TomlPosition position)
    {
        if (token.Length > MaxIntegerTokenLength)
        {
            throw OutOfRange(token, position);
        }

        Span<char> digits = stackalloc char[MaxIntegerTokenLength];
        int length = RemoveUnderscores(token, digits);
        return long.TryParse(digits[..length], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw OutOfRange(token, position);
    }

    private static TomlValue ParseFloat(ReadOnlySpan<char> token, TomlPosition position)
    {
        char[]? rented = null;
        Span<char> digits = token.Length <= 128 ? stackalloc char[128] : (rented = ArrayPool<char>.Shared.Rent(token.Length));
        try
        {
            int length = RemoveUnderscores(token, digits);

            // The grammar was checked above, so this parse succeeds; it saturates to infinity when the
            // magnitude is too large, which TOML can only mean as an error (infinity is spelled "inf").
            if (!double.TryParse(digits[..length], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ||
                double.IsInfinity(value))
            {
                throw InvalidNumber(token, position, "the magnitude is too large for a 64-bit float");
            }

            return TomlValue.Float(position, value);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    // hex-int = hex-prefix HEXDIG *( HEXDIG / underscore HEXDIG ), likewise oct-int and bin-int.
    // Leading zeros are allowed after the prefix; the value must fit a signed 64-bit integer.
    private static long ParseRadixInteger(ReadOnlySpan<char> token, ReadOnlySpan<char> digits, int radix, TomlPosition position)
    {
        int p = 0;
        ScanDigits(token, digits, ref p, radix, position, "");
        if (p < digits.Length)
        {
            throw InvalidNumber(token, position, $"unexpected '{digits[p]}'");
        }

        long value = 0;
        foreach (char c in digits)
        {
            if (c == '_')
            {
                continue;
            }

            int d = HexValue(c);
            if (value > (long.MaxValue - d) / radix)
            {
                throw OutOfRange(token, position);
            }

            value = (value * radix) + d;
        }

        return value;
    }

    private static void ScanDigits(ReadOnlySpan<char> token, ref int p, int radix, TomlPosition position, string where) =>
        ScanDigits(token, token, ref p, radix, position, where);

    /// <summary>
    /// Reads <c>digit *( digit / "_" digit )</c> from <paramref name="digits"/> at <paramref name="p"/>:
    /// at least one digit, and every underscore between two digits.
    /// </summary>
    private static void ScanDigits(ReadOnlySpan<char> token, ReadOnlySpan<char> digits, ref int p, int radix, TomlPosition position, string where)
    {
        if (p >= digits.Length || !IsRadixDigit(digits[p], radix))
        {
            throw InvalidNumber(token, position, p < digits.Length && digits[p] == '_'
                ? $"an underscore must stand between two digits{where}"
                : $"expected a digit{where}");
        }

        p++;
        while (p < digits.Length)
        {
            char c = digits[p];
            if (IsRadixDigit(c, radix))
            {
                p++;
            }
            else if (c == '_')
            {
                if (p + 1 >= digits.Length || !IsRadixDigit(digits[p + 1], radix))
                {
                    throw InvalidNumber(token, position, $"an underscore must stand between two digits{where}");
                }

                p += 2;
            }
            else
            {
                return;
            }
        }
    }

    private static bool IsRadixDigit(char c, int radix)
    {
        int d = HexValue(c);
        return (uint)d < (uint)radix;
    }

    private static int RemoveUnderscores(ReadOnlySpan<char> token, Span<char> destination)
    {
        int length = 0;
        foreach (char c in token)
        {
            if (c != '_')
            {
                destination[length++] = c;
            }
        }

        return length;
    }

    private static TomlException InvalidNumber(ReadOnlySpan<char> token, TomlPosition position, string reason) =>
        ErrorAt(position, $"invalid number {Quote(token)}: {reason}");

    private static TomlException OutOfRange(ReadOnlySpan<char> token, TomlPosition position) =>
        ErrorAt(position, $"integer {Quote(token)} does not fit in 64 bits (-9223372036854775808 to 9223372036854775807)");
}
