using System.Net;
using System.Text;
using Engine.Core.Routing;

namespace Engine.TestSupport.Routing;

/// <summary>A request copied into strings and arrays for the interpreter.</summary>
internal sealed record InterpretedRequest(
    byte[] Host, byte[] Path, string Method, List<(byte[] Key, byte[] Value)> Query,
    List<(string Name, byte[] Value)> Headers, IPAddress? ClientAddress)
{
    public static InterpretedRequest From(IRouteInput input)
    {
        var headers = new List<(string, byte[])>();
        for (int i = 0; i < input.HeaderCount; i++)
        {
            headers.Add((Encoding.Latin1.GetString(input.GetHeaderName(i)), Trim(input.GetHeaderValue(i).ToArray())));
        }

        return new InterpretedRequest(
            CanonicalHost(Encoding.Latin1.GetString(input.Host)), input.Path.ToArray(), Encoding.Latin1.GetString(input.Method),
            ParseQuery(Encoding.Latin1.GetString(input.Query)), headers, input.ClientAddress);
    }

    /// <summary>Traefik's canonized host: trimmed, port (and IPv6 brackets) removed, lowercase.</summary>
    private static byte[] CanonicalHost(string host)
    {
        host = host.Trim(' ', '\t');
        if (host.StartsWith('['))
        {
            int close = host.IndexOf(']', StringComparison.Ordinal);
            if (close > 0 && (close == host.Length - 1 || host[close + 1] == ':'))
            {
                host = host[1..close];
            }
        }
        else if (host.Split(':').Length == 2)
        {
            host = host[..host.IndexOf(':', StringComparison.Ordinal)];
        }

        return Encoding.Latin1.GetBytes(RuleEvaluator.AsciiLower(host));
    }

    private static byte[] Trim(byte[] value)
        => Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(value).Trim(' ', '\t'));

    /// <summary>Go's url.ParseQuery: '&amp;' separates; a pair with ';' or a bad escape is dropped.</summary>
    private static List<(byte[], byte[])> ParseQuery(string query)
    {
        var pairs = new List<(byte[], byte[])>();
        foreach (string pair in query.Split('&'))
        {
            if (pair.Length == 0 || pair.Contains(';', StringComparison.Ordinal))
            {
                continue;
            }

            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? pair : pair[..equals];
            string value = equals < 0 ? "" : pair[(equals + 1)..];
            byte[]? decodedKey = Unescape(key);
            byte[]? decodedValue = Unescape(value);
            if (decodedKey is not null && decodedValue is not null)
            {
                pairs.Add((decodedKey, decodedValue));
            }
        }

        return pairs;
    }

    private static byte[]? Unescape(string text)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (text[i] == '%')
            {
                if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
                {
                    return null;
                }

                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)text[i]);
            }
        }

        return [.. bytes];
    }
}

/// <summary>A connection copied into strings for the interpreter.</summary>
internal sealed record InterpretedConnection(string ServerName, List<byte[]> Alpn, IPAddress? ClientAddress)
{
    public static InterpretedConnection From(ITcpRouteInput input)
    {
        var alpn = new List<byte[]>();
        for (int i = 0; i < input.AlpnProtocolCount; i++)
        {
            alpn.Add(input.GetAlpnProtocol(i).ToArray());
        }

        return new InterpretedConnection(RuleEvaluator.AsciiLower(Encoding.Latin1.GetString(input.ServerName)), alpn, input.ClientAddress);
    }
}

/// <summary>Evaluates a parsed rule against an interpreted request or connection.</summary>
internal static class RuleEvaluator
{
    public static bool Evaluate(RuleExpression expression, InterpretedRequest request) => expression switch
    {
        RuleAnd and => and.Terms.All(term => Evaluate(term, request)),
        RuleOr or => or.Terms.Any(term => Evaluate(term, request)),
        RuleNot not => !Evaluate(not.Operand, request),
        RuleMatcher matcher => Evaluate(matcher, request),
        _ => throw new ArgumentException("unknown expression", nameof(expression)),
    };

    public static bool Evaluate(RuleExpression expression, InterpretedConnection connection) => expression switch
    {
        RuleAnd and => and.Terms.All(term => Evaluate(term, connection)),
        RuleOr or => or.Terms.Any(term => Evaluate(term, connection)),
        RuleNot not => !Evaluate(not.Operand, connection),
        RuleMatcher matcher => Evaluate(matcher, connection),
        _ => throw new ArgumentException("unknown expression", nameof(expression)),
    };

    private static bool Evaluate(RuleMatcher matcher, InterpretedRequest request)
    {
        byte[] value = Encoding.UTF8.GetBytes(matcher.Value);
        switch (matcher.Kind)
        {
            case MatcherKind.Host:
                return HostMatches(matcher.Value, Encoding.Latin1.GetString(request.Host));
            case MatcherKind.HostRegexp:
                return RegexMatches(matcher, request.Host);
            case MatcherKind.Path:
                return request.Path.AsSpan().SequenceEqual(value);
            case MatcherKind.PathPrefix:
                return request.Path.AsSpan().StartsWith(value);
            case MatcherKind.PathRegexp:
                return RegexMatches(matcher, request.Path);
            case MatcherKind.Method:
                return request.Method == matcher.Value;
            case MatcherKind.Header:
                return request.Headers.Any(h => string.Equals(h.Name, matcher.Key, StringComparison.OrdinalIgnoreCase) && h.Value.AsSpan().SequenceEqual(value));
            case MatcherKind.HeaderRegexp:
                return request.Headers.Any(h => string.Equals(h.Name, matcher.Key, StringComparison.OrdinalIgnoreCase) && RegexMatches(matcher, h.Value));
            case MatcherKind.Query:
                byte[] key = Encoding.UTF8.GetBytes(matcher.Key!);
                return request.Query.Any(q => q.Key.AsSpan().SequenceEqual(key) && q.Value.AsSpan().SequenceEqual(value));
            case MatcherKind.QueryRegexp:
                byte[] regexKey = Encoding.UTF8.GetBytes(matcher.Key!);
                return request.Query.Any(q => q.Key.AsSpan().SequenceEqual(regexKey) && RegexMatches(matcher, q.Value));
            case MatcherKind.ClientIP:
                return ClientIPMatches(matcher, request.ClientAddress);
            default:
                return false;
        }
    }

    private static bool Evaluate(RuleMatcher matcher, InterpretedConnection connection)
    {
        switch (matcher.Kind)
        {
            case MatcherKind.HostSNI:
                return matcher.Value == "*" || HostMatches(matcher.Value, connection.ServerName);
            case MatcherKind.HostSNIRegexp:
                return RegexMatches(matcher, Encoding.Latin1.GetBytes(connection.ServerName));
            case MatcherKind.Alpn:
                byte[] protocol = Encoding.UTF8.GetBytes(matcher.Value);
                return connection.Alpn.Any(p => p.AsSpan().SequenceEqual(protocol));
            case MatcherKind.ClientIP:
                return ClientIPMatches(matcher, connection.ClientAddress);
            default:
                return false;
        }
    }

    /// <summary>Exact (either side may carry one trailing dot) or "*.suffix" with exactly one non-empty label before it.</summary>
    private static bool HostMatches(string ruleHost, string host)
    {
        if (host.EndsWith('.'))
        {
            host = host[..^1];
        }

        if (host.Length == 0)
        {
            return false;
        }

        if (!ruleHost.StartsWith("*.", StringComparison.Ordinal))
        {
            return host == ruleHost;
        }

        int dot = host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && host[(dot + 1)..] == ruleHost[2..];
    }

    private static bool RegexMatches(RuleMatcher matcher, byte[] input)
        => input.Length <= matcher.MaxRegexInputLength && matcher.Regex!.IsMatch(Encoding.UTF8.GetString(input));

    private static bool ClientIPMatches(RuleMatcher matcher, IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return IPNetwork.Parse(matcher.Network!.ToString()).Contains(address);
    }

    internal static string AsciiLower(string text)
        => string.Create(text.Length, text, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                char c = source[i];
                span[i] = c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
            }
        });
}
