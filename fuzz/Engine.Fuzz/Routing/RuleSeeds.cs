using System.Text;

namespace Engine.Fuzz.Routing;

/// <summary>
/// Rules the rule target starts from: every matcher (and every v2 alias and accepted spelling of
/// a name), both quoting styles with every escape, and the operators with parentheses. HTTP and
/// TCP rules share one corpus: each input is parsed as both kinds.
/// </summary>
internal static class RuleSeeds
{
    public static IEnumerable<string> Rules =>
    [
        "Host(`example.com`)",
        "Host(`*.example.com`) && PathPrefix(`/api/`)",
        "HostHeader(`[::1]`) || Host(`127.0.0.1`) || Host(`Example.COM.`)",
        "HostRegexp(`^[a-z0-9-]+\\.example\\.(com|org)$`)",
        "Path(`/health`) && Method(`GET`)",
        "PathRegexp(`^/v[0-9]+/(?P<rest>.*)$`) && !Method(`delete`)",
        "Header(`X-Tenant`, `blue`) && Headers(\"Content-Type\", \"application/json\")",
        "HeaderRegexp(`User-Agent`, `(?i)curl/[[:digit:]]+`) || HeadersRegexp(`Accept`, `^text/`)",
        "Query(`debug`) && Query(`page`, `2`) || QueryRegexp(`id`, `^[0-9]{1,6}$`) || QueryRegexp(`flag`)",
        "ClientIP(`10.0.0.0/8`) || ClientIP(`2001:db8::/32`) || ClientIP(`192.168.1.7`)",
        "!(Host(`a.example`) || Host(`b.example`)) && (PathPrefix(`/x`) || Path(`/y`))",
        "((Host(\"q.example\") && !!PathPrefix(\"/tab\\there\")) || Header(\"X-Q\", \"say \\\"hi\\\"\\\\\\n\\r\"))",
        "host(`lower.example`) && PATHPREFIX(`/UPPER`) && Pathprefix(`/first`)",
        "  Host(`spaced.example`)\t&&\r\n  Path(`/`)  ",
        "HostSNI(`example.com`)",
        "HostSNI(`*`)",
        "HostSNI(`*.example.com`) && ALPN(`h2`)",
        "HostSNIRegexp(`^.+\\.example\\.com$`) || (ClientIP(`::1`) && !ALPN(`http/1.1`))",
        "HostSNI(\"db.example\") && ClientIP(\"10.1.0.0/16\")",
    ];

    public static IReadOnlyList<byte[]> Tokens { get; } =
    [
        .. new[]
        {
            "Host", "HostRegexp", "Path", "PathPrefix", "PathRegexp", "Method", "Header", "HeaderRegexp", "Query", "QueryRegexp",
            "ClientIP", "Headers", "HeadersRegexp", "HostHeader", "HostSNI", "HostSNIRegexp", "ALPN", "host", "PATH", "Pathprefix",
            "(", ")", "`", "\"", ",", " && ", " || ", "&&", "||", "!", "&", "|", "!(", "((", "))", " ", "\t", "\n", "\\", "\\\"", "\\n", "\\x",
            "*", "*.", ".", "..", "[::1]", "[", "]", ":", ":8080", "/", "//", "%2F", "^", "$", ".*", "(?i)", "(?P<n>", "[[:alnum:]]", "[:",
            "{1000}", "{2,}", "(a|b)", "\\d", "\\p{L}", "(?=x)", "\\1", "{name:[a-z]+}", "10.0.0.0/8", "::/0", "/33", "/129", "::ffff:1.2.3.4",
            "Host(`a`)", "Path(`/`)", "HostSNI(`*`)", "acme-tls/1", "\u00e9", "\u2018", "\u00a0", "\u0000", "\uFEFF", "xn--bcher-kva",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0xED, 0xA0, 0x80],
    ];
}
