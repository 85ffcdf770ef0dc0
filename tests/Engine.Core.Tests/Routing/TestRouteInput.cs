using System.Net;
using System.Text;
using Engine.Core.Routing;
using Engine.TestSupport.Routing;

namespace Engine.Core.Tests.Routing;

/// <summary>A request head for matcher tests: bytes as a parser would hand them over.</summary>
public sealed class TestRequest : IRouteInput
{
    private readonly List<(byte[] Name, byte[] Value)> _headers = [];

    public TestRequest(string host = "example.com", string path = "/", string method = "GET", string query = "")
    {
        HostBytes = Encoding.Latin1.GetBytes(host);
        PathBytes = Encoding.Latin1.GetBytes(path);
        MethodBytes = Encoding.Latin1.GetBytes(method);
        QueryBytes = Encoding.Latin1.GetBytes(query);
    }

    public byte[] HostBytes { get; set; }

    public byte[] PathBytes { get; set; }

    public byte[] MethodBytes { get; set; }

    public byte[] QueryBytes { get; set; }

    public ReadOnlySpan<byte> Host => HostBytes;

    public ReadOnlySpan<byte> Path => PathBytes;

    public ReadOnlySpan<byte> Query => QueryBytes;

    public ReadOnlySpan<byte> Method => MethodBytes;

    public IPAddress? ClientAddress { get; set; }

    public int HeaderCount => _headers.Count;

    public ReadOnlySpan<byte> GetHeaderName(int index) => _headers[index].Name;

    public ReadOnlySpan<byte> GetHeaderValue(int index) => _headers[index].Value;

    public TestRequest WithHeader(string name, string value)
    {
        _headers.Add((Encoding.Latin1.GetBytes(name), Encoding.UTF8.GetBytes(value)));
        return this;
    }

    public TestRequest WithHeaderBytes(string name, byte[] value)
    {
        _headers.Add((Encoding.Latin1.GetBytes(name), value));
        return this;
    }

    public TestRequest From(string address)
    {
        ClientAddress = IPAddress.Parse(address);
        return this;
    }

    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append(Encoding.Latin1.GetString(MethodBytes)).Append(' ').Append(Encoding.Latin1.GetString(HostBytes))
            .Append(Encoding.Latin1.GetString(PathBytes));
        if (QueryBytes.Length > 0)
        {
            builder.Append('?').Append(Encoding.Latin1.GetString(QueryBytes));
        }

        foreach ((byte[] name, byte[] value) in _headers)
        {
            builder.Append(" [").Append(Encoding.Latin1.GetString(name)).Append(": ").Append(Encoding.Latin1.GetString(value)).Append(']');
        }

        return builder.Append(" from ").Append(ClientAddress).ToString();
    }
}

/// <summary>A struct view over <see cref="TestRequest"/>, as Engine.Http will pass its parsed head: no boxing.</summary>
public readonly struct TestRequestView(TestRequest request) : IRouteInput
{
    public ReadOnlySpan<byte> Host => request.HostBytes;

    public ReadOnlySpan<byte> Path => request.PathBytes;

    public ReadOnlySpan<byte> Query => request.QueryBytes;

    public ReadOnlySpan<byte> Method => request.MethodBytes;

    public IPAddress? ClientAddress => request.ClientAddress;

    public int HeaderCount => request.HeaderCount;

    public ReadOnlySpan<byte> GetHeaderName(int index) => request.GetHeaderName(index);

    public ReadOnlySpan<byte> GetHeaderValue(int index) => request.GetHeaderValue(index);
}

/// <summary>A ClientHello summary for TCP matcher tests.</summary>
public sealed class TestConnection(string serverName = "", params string[] alpn) : ITcpRouteInput
{
    private readonly byte[][] _alpn = Array.ConvertAll(alpn, Encoding.ASCII.GetBytes);
    private readonly byte[] _serverName = Encoding.ASCII.GetBytes(serverName);

    public ReadOnlySpan<byte> ServerName => _serverName;

    public IPAddress? ClientAddress { get; set; }

    public int AlpnProtocolCount => _alpn.Length;

    public ReadOnlySpan<byte> GetAlpnProtocol(int index) => _alpn[index];

    public TestConnection From(string address)
    {
        ClientAddress = IPAddress.Parse(address);
        return this;
    }

    public override string ToString() => $"sni={Encoding.ASCII.GetString(_serverName)} alpn=[{string.Join(",", _alpn.Select(Encoding.ASCII.GetString))}] from {ClientAddress}";
}

/// <summary>Builds tables and interpreters from (name, rule) pairs whose target is the name.</summary>
internal static class Routes
{
    public static RouteDefinition<string>[] Of(params (string Name, string Rule)[] routes)
        => Array.ConvertAll(routes, r => new RouteDefinition<string>(r.Name, r.Rule, null, r.Name));

    /// <summary>Matches with the compiled table (class and struct input) and the interpreter, asserts they agree, returns the route name or null.</summary>
    public static string? Match(RouteDefinition<string>[] routes, TestRequest request)
    {
        RouteTable<string> table = RouteTable.Compile(routes);
        RouteInterpreter<string> interpreter = RouteInterpreter.Create(routes);
        string? compiled = table.TryMatch(request, out string target) ? target : null;
        string? viaStruct = table.TryMatch(new TestRequestView(request), out string structTarget) ? structTarget : null;
        string? interpreted = interpreter.TryMatch(request, out string expected) ? expected : null;
        Assert.Equal(interpreted, compiled);
        Assert.Equal(interpreted, viaStruct);
        return compiled;
    }

    public static bool Matches(string rule, TestRequest request) => Match(Of(("r", rule)), request) == "r";

    public static bool MatchesTcp(string rule, TestConnection connection)
    {
        RouteDefinition<string>[] routes = Of(("r", rule));
        bool compiled = RouteTable.CompileTcp(routes).TryMatch(connection, out _);
        bool interpreted = RouteInterpreter.CreateTcp(routes).TryMatch(connection, out _);
        Assert.Equal(interpreted, compiled);
        return compiled;
    }
}
