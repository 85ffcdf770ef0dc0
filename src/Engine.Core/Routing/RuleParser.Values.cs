using System.Buffers;

namespace Engine.Core.Routing;

public static partial class RuleParser
{
    // token = 1*tchar; tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
    //   "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA  (RFC 9110 section 5.6.2)
    private static readonly SearchValues<char> s_tokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    // Host values: a registered name or an IP literal (RFC 3986 section 3.2.2) without a port;
    // '_' is tolerated because real DNS names carry it. HostSNI follows Traefik's stricter
    // ^[[:alnum:].-]+$ (pkg/muxer/tcp/matcher.go).
    private static readonly SearchValues<char> s_hostChars =
        SearchValues.Create("-._:[]0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly SearchValues<char> s_sniChars =
        SearchValues.Create("-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Longest regex an error message repeats; a longer one is named by its matcher and column only.</summary>
    private const int MaxQuotedPatternLength = 80;

    private sealed partial class Parser
    {
        private void Validate(RuleMatcher matcher, List<int> columns)
        {
            IReadOnlyList<string> arguments = matcher.Arguments;
            switch (matcher.Kind)
            {
                case MatcherKind.Host:
                    matcher.Value = ValidateHost(matcher, arguments[0], columns[0], s_hostChars);
                    break;
                case MatcherKind.HostSNI:
                    matcher.Value = arguments[0] == "*" ? "*" : ValidateHost(matcher, arguments[0], columns[0], s_sniChars);
                    break;
                case MatcherKind.HostRegexp:
                case MatcherKind.HostSNIRegexp:
                    if (!System.Text.Ascii.IsValid(arguments[0]))
                    {
                        throw Error(columns[0], $"{matcher.Name} value must be ASCII", "write internationalised names in punycode (xn--...)");
                    }

                    SetRegex(matcher, arguments[0], columns[0]);
                    break;
                case MatcherKind.Path:
                case MatcherKind.PathPrefix:
                    if (!arguments[0].StartsWith('/'))
                    {
                        throw Error(columns[0], $"{matcher.Name} value '{arguments[0]}' does not start with '/'", $"write {matcher.Name}(`/{arguments[0]}`)");
                    }

                    matcher.Value = arguments[0];
                    break;
                case MatcherKind.PathRegexp:
                    SetRegex(matcher, arguments[0], columns[0]);
                    break;
                case MatcherKind.Method:
                    RequireToken(matcher, arguments[0], columns[0], "an HTTP method");
                    matcher.Value = arguments[0].ToUpperInvariant();
                    break;
                case MatcherKind.Header:
                    RequireToken(matcher, arguments[0], columns[0], "a header name");
                    matcher.Key = arguments[0];
                    matcher.Value = arguments[1];
                    break;
                case MatcherKind.HeaderRegexp:
                    RequireToken(matcher, arguments[0], columns[0], "a header name");
                    matcher.Key = arguments[0];
                    SetRegex(matcher, arguments[1], columns[1]);
                    break;
                case MatcherKind.Query:
                    matcher.Key = arguments[0];
                    matcher.Value = arguments.Count == 2 ? arguments[1] : "";
                    break;
                case MatcherKind.QueryRegexp:
                    matcher.Key = arguments[0];
                    SetRegex(matcher, arguments[1], columns[1]);
                    break;
                case MatcherKind.ClientIP:
                    if (!IpPrefix.TryParse(arguments[0], out IpPrefix? network, out string? error))
                    {
                        throw Error(columns[0], $"invalid ClientIP value: {error}", "write an address or a CIDR network, e.g. ClientIP(`10.0.0.0/8`) or ClientIP(`2001:db8::/32`)");
                    }

                    matcher.Network = network;
                    matcher.Value = arguments[0];
                    break;
                case MatcherKind.Alpn:
                    if (arguments[0].Length == 0)
                    {
                        throw Error(columns[0], "ALPN value is empty");
                    }

                    if (arguments[0] == "acme-tls/1")
                    {
                        throw Error(columns[0], "ALPN value 'acme-tls/1' is reserved", "the ACME TLS-ALPN-01 challenge is answered by the certificate resolver, not by a router");
                    }

                    matcher.Value = arguments[0];
                    break;
            }
        }

        private string ValidateHost(RuleMatcher matcher, string value, int column, SearchValues<char> allowed)
        {
            if (value.Length == 0)
            {
                throw Error(column, $"{matcher.Name} value is empty", matcher.Kind == MatcherKind.HostSNI ? "write HostSNI(`*`) to match every connection" : null);
            }

            if (!System.Text.Ascii.IsValid(value))
            {
                throw Error(column, $"{matcher.Name} value must be ASCII", "write internationalised names in punycode (xn--...)");
            }

            string host = value;
            bool wildcard = host.StartsWith("*.", StringComparison.Ordinal);
            if (wildcard)
            {
                host = host[2..];
            }

            // Columns point into the value: 'column' is its opening quote.
            int bad = host.AsSpan().IndexOfAnyExcept(allowed);
            if (bad >= 0 || host.Length == 0)
            {
                string problem = bad >= 0 && host[bad] == '*'
                    ? $"'*' may only start a {matcher.Name} value, as '*.' followed by a domain"
                    : $"'{value}' is not a valid host name";
                throw Error(column + 1 + (wildcard ? 2 : 0) + Math.Max(bad, 0), problem,
                    bad >= 0 && host[bad] == '*' ? $"use {(matcher.Kind == MatcherKind.HostSNI ? "HostSNIRegexp" : "HostRegexp")} for other patterns" : null);
            }

            if (host.StartsWith('[') && host.EndsWith(']'))
            {
                host = host[1..^1];
            }
            else if (host.Contains('[', StringComparison.Ordinal) || host.Contains(']', StringComparison.Ordinal))
            {
                throw Error(column, $"'{value}' is not a valid host name");
            }
            else if (host.AsSpan().Count(':') == 1)
            {
                throw Error(column, $"{matcher.Name} value '{value}' includes a port", $"host matching ignores the port: write {matcher.Name}(`{host[..host.IndexOf(':', StringComparison.Ordinal)]}`)");
            }

            if (host.EndsWith('.'))
            {
                // Traefik: "example.com." matches "example.com" and the reverse (FQDN form).
                host = host[..^1];
            }

            if (host.Length == 0 || host.EndsWith('.') || host.StartsWith('.') || host.Contains("..", StringComparison.Ordinal))
            {
                throw Error(column, $"'{value}' is not a valid host name", "a host name has no empty labels");
            }

            host = host.ToLowerInvariant();
            return wildcard ? "*." + host : host;
        }

        private void RequireToken(RuleMatcher matcher, string value, int column, string what)
        {
            if (value.Length == 0 || value.AsSpan().IndexOfAnyExcept(s_tokenChars) >= 0)
            {
                throw Error(column, $"{matcher.Name} value '{value}' is not {what}", what == "a header name" ? null : "methods are tokens such as GET or POST");
            }
        }

        private void SetRegex(RuleMatcher matcher, string pattern, int column)
        {
            matcher.Value = pattern;
            matcher.MaxRegexInputLength = options.MaxRegexInputLength;
            if (regexCache is not null && regexCache.TryGetValue(pattern, out DeferredRegex? cached))
            {
                matcher.Pattern = cached;
                return;
            }

            // The pattern is quoted back (when short enough to read) because a rule may hold several.
            string quoted = pattern.Length <= MaxQuotedPatternLength ? $"{matcher.Name}(`{pattern}`)" : matcher.Name;
            matcher.Pattern = RuleRegex.TryCreate(pattern, options, out string? error, out string? detail, out string? hint)
                ?? throw Error(column, $"{quoted}: {error}", hint, detail);
            regexCache?.Add(pattern, matcher.Pattern);
        }
    }
}
