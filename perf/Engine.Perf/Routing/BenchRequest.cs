using System.Net;
using System.Text;
using Engine.Core.Routing;

namespace Engine.Perf.Routing;

/// <summary>A request head as the HTTP parser would expose it: spans over bytes received.</summary>
public sealed class BenchRequest(string host, string path, string method = "GET", string query = "", params (string Name, string Value)[] headers)
{
    public byte[] Host { get; } = Encoding.ASCII.GetBytes(host);

    public byte[] Path { get; } = Encoding.ASCII.GetBytes(path);

    public byte[] Method { get; } = Encoding.ASCII.GetBytes(method);

    public byte[] Query { get; } = Encoding.ASCII.GetBytes(query);

    public byte[][] HeaderNames { get; } = Array.ConvertAll(headers, h => Encoding.ASCII.GetBytes(h.Name));

    public byte[][] HeaderValues { get; } = Array.ConvertAll(headers, h => Encoding.ASCII.GetBytes(h.Value));

    public IPAddress ClientAddress { get; } = IPAddress.Parse("10.1.2.3");
}

/// <summary>The struct view the matcher is generic over (no boxing, calls inline).</summary>
public readonly struct BenchRequestView(BenchRequest request) : IRouteInput
{
    public ReadOnlySpan<byte> Host => request.Host;

    public ReadOnlySpan<byte> Path => request.Path;

    public ReadOnlySpan<byte> Query => request.Query;

    public ReadOnlySpan<byte> Method => request.Method;

    public IPAddress? ClientAddress => request.ClientAddress;

    public int HeaderCount => request.HeaderNames.Length;

    public ReadOnlySpan<byte> GetHeaderName(int index) => request.HeaderNames[index];

    public ReadOnlySpan<byte> GetHeaderValue(int index) => request.HeaderValues[index];
}
