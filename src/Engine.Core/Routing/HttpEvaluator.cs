using System.Runtime.CompilerServices;
using System.Text;

namespace Engine.Core.Routing;

/// <summary>
/// Evaluates compiled predicates against an HTTP request. <c>host</c> is the canonical host
/// (<see cref="AsciiBytes.CanonicalHost"/>), computed once per match.
/// </summary>
internal static class HttpEvaluator
{
    public static bool Evaluate<TInput>(MatchNode node, ref TInput input, ReadOnlySpan<byte> host)
        where TInput : IRouteInput, allows ref struct
    {
        switch (node.Kind)
        {
            case NodeKind.And:
                foreach (MatchNode term in Unsafe.As<AndNode>(node).Terms)
                {
                    if (!Evaluate(term, ref input, host))
                    {
                        return false;
                    }
                }

                return true;
            case NodeKind.Or:
                foreach (MatchNode term in Unsafe.As<OrNode>(node).Terms)
                {
                    if (Evaluate(term, ref input, host))
                    {
                        return true;
                    }
                }

                return false;
            case NodeKind.Not:
                return !Evaluate(Unsafe.As<NotNode>(node).Operand, ref input, host);
            case NodeKind.Host:
                HostNode hostNode = Unsafe.As<HostNode>(node);
                return AsciiBytes.HostMatches(AsciiBytes.WithoutTrailingDot(host), hostNode.Host, hostNode.Wildcard);
            case NodeKind.Path:
                return input.Path.SequenceEqual(Unsafe.As<BytesNode>(node).Value);
            case NodeKind.PathPrefix:
                return input.Path.StartsWith(Unsafe.As<BytesNode>(node).Value);
            case NodeKind.Method:
                return input.Method.SequenceEqual(Unsafe.As<BytesNode>(node).Value);
            case NodeKind.Header:
                return HeaderEquals(ref input, Unsafe.As<PairNode>(node));
            case NodeKind.Query:
                PairNode query = Unsafe.As<PairNode>(node);
                return QueryString.Contains(input.Query, query.Name, query.Value);
            case NodeKind.ClientIP:
                return Unsafe.As<ClientIPNode>(node).Network.Contains(input.ClientAddress);
            case NodeKind.Regex:
                return RegexMatches(Unsafe.As<RegexNode>(node), ref input, host);
            case NodeKind.True:
                return true;
            default:
                return false;
        }
    }

    private static bool HeaderEquals<TInput>(ref TInput input, PairNode node)
        where TInput : IRouteInput, allows ref struct
    {
        int count = input.HeaderCount;
        for (int i = 0; i < count; i++)
        {
            if (Ascii.EqualsIgnoreCase(input.GetHeaderName(i), node.Name)
                && input.GetHeaderValue(i).Trim(" \t"u8).SequenceEqual(node.Value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool RegexMatches<TInput>(RegexNode node, ref TInput input, ReadOnlySpan<byte> host)
        where TInput : IRouteInput, allows ref struct
    {
        switch (node.Target)
        {
            case RegexTarget.Host:
                return node.IsMatch(host, lowercase: true);
            case RegexTarget.Path:
                return node.IsMatch(input.Path, lowercase: false);
            case RegexTarget.Query:
                return QueryString.AnyValueMatches(input.Query, node);
            default:
                int count = input.HeaderCount;
                for (int i = 0; i < count; i++)
                {
                    if (Ascii.EqualsIgnoreCase(input.GetHeaderName(i), node.Name!)
                        && node.IsMatch(input.GetHeaderValue(i).Trim(" \t"u8), lowercase: false))
                    {
                        return true;
                    }
                }

                return false;
        }
    }
}

/// <summary>Evaluates compiled predicates against a TCP connection; <c>serverName</c> is the SNI as received.</summary>
internal static class TcpEvaluator
{
    public static bool Evaluate<TInput>(MatchNode node, ref TInput input, ReadOnlySpan<byte> serverName)
        where TInput : ITcpRouteInput, allows ref struct
    {
        switch (node.Kind)
        {
            case NodeKind.And:
                foreach (MatchNode term in Unsafe.As<AndNode>(node).Terms)
                {
                    if (!Evaluate(term, ref input, serverName))
                    {
                        return false;
                    }
                }

                return true;
            case NodeKind.Or:
                foreach (MatchNode term in Unsafe.As<OrNode>(node).Terms)
                {
                    if (Evaluate(term, ref input, serverName))
                    {
                        return true;
                    }
                }

                return false;
            case NodeKind.Not:
                return !Evaluate(Unsafe.As<NotNode>(node).Operand, ref input, serverName);
            case NodeKind.True:
                return true;
            case NodeKind.Host:
                HostNode hostNode = Unsafe.As<HostNode>(node);
                return AsciiBytes.HostMatches(AsciiBytes.WithoutTrailingDot(serverName), hostNode.Host, hostNode.Wildcard);
            case NodeKind.Regex:
                return Unsafe.As<RegexNode>(node).IsMatch(serverName, lowercase: true);
            case NodeKind.ClientIP:
                return Unsafe.As<ClientIPNode>(node).Network.Contains(input.ClientAddress);
            case NodeKind.Alpn:
                byte[] protocol = Unsafe.As<BytesNode>(node).Value;
                int count = input.AlpnProtocolCount;
                for (int i = 0; i < count; i++)
                {
                    if (input.GetAlpnProtocol(i).SequenceEqual(protocol))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }
}
