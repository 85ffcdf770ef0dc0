using System.Net;
using System.Text;
using Engine.Core.Routing;

namespace Engine.Fuzz.Routing;

/// <summary>A request head as the HTTP parser hands it to the router: bytes as received.</summary>
internal sealed class FuzzRequest(string method, string host, string path, string query, IPAddress? clientAddress, params (string Name, string Value)[] headers)
    : IRouteInput
{
    private readonly byte[] _method = Encoding.Latin1.GetBytes(method);
    private readonly byte[] _host = Encoding.UTF8.GetBytes(host);
    private readonly byte[] _path = Encoding.UTF8.GetBytes(path);
    private readonly byte[] _query = Encoding.UTF8.GetBytes(query);
    private readonly (byte[] Name, byte[] Value)[] _headers =
        Array.ConvertAll(headers, static h => (Encoding.Latin1.GetBytes(h.Name), Encoding.UTF8.GetBytes(h.Value)));

    public ReadOnlySpan<byte> Host => _host;

    public ReadOnlySpan<byte> Path => _path;

    public ReadOnlySpan<byte> Query => _query;

    public ReadOnlySpan<byte> Method => _method;

    public IPAddress? ClientAddress { get; } = clientAddress;

    public int HeaderCount => _headers.Length;

    public ReadOnlySpan<byte> GetHeaderName(int index) => _headers[index].Name;

    public ReadOnlySpan<byte> GetHeaderValue(int index) => _headers[index].Value;

    public override string ToString() =>
        $"{method} {host}{path}{(query.Length > 0 ? "?" + query : "")} [{string.Join(", ", headers.Select(h => $"{h.Name}: {h.Value}"))}] from {ClientAddress}";
}

/// <summary>What the TLS sniffer hands the TCP router: server name and ALPN list as received.</summary>
internal sealed class FuzzConnection(string serverName, IPAddress? clientAddress, params string[] alpn) : ITcpRouteInput
{
    private readonly byte[] _serverName = Encoding.UTF8.GetBytes(serverName);
    private readonly byte[][] _alpn = Array.ConvertAll(alpn, Encoding.UTF8.GetBytes);

    public ReadOnlySpan<byte> ServerName => _serverName;

    public IPAddress? ClientAddress { get; } = clientAddress;

    public int AlpnProtocolCount => _alpn.Length;

    public ReadOnlySpan<byte> GetAlpnProtocol(int index) => _alpn[index];

    public override string ToString() => $"sni={serverName} alpn=[{string.Join(",", alpn)}] from {ClientAddress}";
}
