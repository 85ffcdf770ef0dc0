using System.Buffers;

namespace Engine.Http.Http1;

/// <summary>
/// Byte classes of the HTTP/1.1 grammar, each built from the ABNF it is named after so the parser
/// validates a whole run with one vectorized <c>IndexOfAnyExcept</c> instead of a loop per byte.
/// </summary>
internal static class HttpCharacters
{
    private const string Digits = "0123456789";
    private const string Alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    // RFC 9110 §5.6.2 (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2)
    //   token = 1*tchar
    //   tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
    //           "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    public static readonly SearchValues<byte> Token = Create("!#$%&'*+-.^_`|~" + Digits + Alpha);

    // RFC 9110 §5.5 (https://www.rfc-editor.org/rfc/rfc9110#section-5.5)
    //   field-value   = *field-content
    //   field-content = field-vchar [ 1*( SP / HTAB / field-vchar ) field-vchar ]
    //   field-vchar   = VCHAR / obs-text          ; VCHAR = %x21-7E, obs-text = %x80-FF
    // The same class covers the reason-phrase of RFC 9112 §4: *( HTAB / SP / VCHAR / obs-text ).
    public static readonly SearchValues<byte> FieldValue = Create(Range(0x20, 0x7E) + Range(0x80, 0xFF) + "\t");

    // The complement of FieldValue: CTLs other than HTAB, and DEL. Searching for these instead of
    // "anything but FieldValue" keeps the set ASCII-only, which takes the faster vector path.
    public static readonly SearchValues<byte> NotFieldValue = Create(Range(0x00, 0x08) + Range(0x0A, 0x1F) + "\u007f");

    // RFC 9112 §3.2 (https://www.rfc-editor.org/rfc/rfc9112#section-3.2): the request-target is
    // delimited by SP, and RFC 3986 URI characters are all visible ASCII. Anything else (controls,
    // DEL, raw UTF-8) is refused rather than guessed at.
    public static readonly SearchValues<byte> Target = Create(Range(0x21, 0x7E));

    // RFC 3986 §3.2.2 (https://www.rfc-editor.org/rfc/rfc3986#section-3.2.2)
    //   reg-name    = *( unreserved / pct-encoded / sub-delims )
    //   unreserved  = ALPHA / DIGIT / "-" / "." / "_" / "~"
    //   sub-delims  = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="
    // '%' is admitted here and its two HEXDIG are checked separately.
    public static readonly SearchValues<byte> RegName = Create(Alpha + Digits + "-._~" + "!$&'()*+,;=" + "%");

    // RFC 3986 §3.2.2: IP-literal = "[" ( IPv6address / IPvFuture ) "]"
    //   IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
    // Both alternatives draw from unreserved / sub-delims / ":", which is what is checked.
    public static readonly SearchValues<byte> IpLiteral = Create(Alpha + Digits + "-._~" + "!$&'()*+,;=" + ":");

    public static readonly SearchValues<byte> Digit = Create(Digits);

    // RFC 5234 B.1: HEXDIG = DIGIT / "A" / "B" / "C" / "D" / "E" / "F" (case-insensitive in ABNF)
    public static readonly SearchValues<byte> HexDigit = Create(Digits + "ABCDEFabcdef");

    // RFC 9110 §5.6.4: qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
    public static readonly SearchValues<byte> QuotedText = Create("\t !" + Range(0x23, 0x5B) + Range(0x5D, 0x7E) + Range(0x80, 0xFF));

    // RFC 9110 §5.6.4: quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
    public static readonly SearchValues<byte> QuotedPairChar = FieldValue;

    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';

    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    /// <summary>The value of a hex digit, or -1.</summary>
    public static int HexValue(byte b)
    {
        if ((uint)(b - '0') <= 9)
        {
            return b - '0';
        }
        uint lower = (uint)(b | 0x20) - 'a';
        return lower <= 5 ? (int)lower + 10 : -1;
    }

    private static string Range(int first, int last)
    {
        var chars = new char[last - first + 1];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)(first + i);
        }
        return new string(chars);
    }

    private static SearchValues<byte> Create(string latin1)
    {
        var bytes = new byte[latin1.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)latin1[i];
        }
        return SearchValues.Create(bytes);
    }
}
