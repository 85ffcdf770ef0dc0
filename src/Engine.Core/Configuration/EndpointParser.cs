using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Engine.Core.Configuration;

/// <summary>Parses the address forms config uses for listeners and destinations.</summary>
public static class EndpointParser
{
    /// <summary>"127.0.0.1:8080", "[::1]:8080", ":8080" (every interface) or "0.0.0.0:80".</summary>
    public static EndPoint ParseListenAddress(string address)
    {
        if (!TryParseListenAddress(address, out EndPoint? endPoint, out string? error))
        {
            throw new FormatException(error);
        }
        return endPoint;
    }

    public static bool TryParseListenAddress(string address, [NotNullWhen(true)] out EndPoint? endPoint, [NotNullWhen(false)] out string? error)
    {
        endPoint = null;
        if (address.StartsWith(':') && TryParsePort(address.AsSpan(1), out int anyPort))
        {
            endPoint = new IPEndPoint(IPAddress.IPv6Any, anyPort);
            error = null;
            return true;
        }
        if (IPEndPoint.TryParse(address, out IPEndPoint? ip) && HasExplicitPort(address))
        {
            endPoint = ip;
            error = null;
            return true;
        }
        error = $"'{address}' is not a listen address; expected IP:PORT such as 127.0.0.1:8080, [::1]:8080 or :8080.";
        return false;
    }

    /// <summary>"http://host:port", "host:port" or "http://host" (port 80); host is an IP or a DNS name.</summary>
    public static bool TryParseDestination(string address, [NotNullWhen(true)] out EndPoint? endPoint, [NotNullWhen(false)] out string? error)
    {
        endPoint = null;
        string rest = address;
        if (rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            rest = rest["http://".Length..];
        }
        else if (rest.Contains("://", StringComparison.Ordinal))
        {
            error = $"'{address}': only http:// destinations are supported (TLS to upstreams comes with the TLS layer).";
            return false;
        }
        rest = rest.TrimEnd('/');
        if (rest.Length == 0 || rest.Contains('/', StringComparison.Ordinal))
        {
            error = $"'{address}' is not a destination; expected http://HOST:PORT.";
            return false;
        }
        if (IPEndPoint.TryParse(rest, out IPEndPoint? ip))
        {
            endPoint = HasExplicitPort(rest) ? ip : new IPEndPoint(ip.Address, 80);
            error = null;
            return true;
        }
        int colon = rest.LastIndexOf(':');
        string host = colon < 0 ? rest : rest[..colon];
        int port = 80;
        if ((colon >= 0 && !TryParsePort(rest.AsSpan(colon + 1), out port)) || Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            error = $"'{address}' is not a destination; expected http://HOST:PORT.";
            return false;
        }
        endPoint = new DnsEndPoint(host, port);
        error = null;
        return true;
    }

    private static bool HasExplicitPort(string address)
    {
        int colon = address.LastIndexOf(':');
        return colon > address.LastIndexOf(']') && colon > 0;
    }

    private static bool TryParsePort(ReadOnlySpan<char> text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;
}
