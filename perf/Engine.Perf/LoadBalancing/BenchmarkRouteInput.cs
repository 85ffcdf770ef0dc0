using System.Net;
using System.Text;
using Engine.Core.Routing;

namespace Engine.Perf.LoadBalancing;

/// <summary>The head of a typical browser request, as the balancer sees it.</summary>
internal sealed class BenchmarkRouteInput : IRouteInput
{
    private readonly byte[][] _names;
    private readonly byte[][] _values;

    public BenchmarkRouteInput(string cookie)
    {
        (string Name, string Value)[] headers =
        [
            ("Host", "shop.example.com"),
            ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
            ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            ("Accept-Language", "en-US,en;q=0.5"),
            ("Accept-Encoding", "gzip, deflate, br, zstd"),
            ("X-User", "user-4711"),
            ("Cookie", cookie),
        ];
        _names = headers.Select(h => Encoding.ASCII.GetBytes(h.Name)).ToArray();
        _values = headers.Select(h => Encoding.ASCII.GetBytes(h.Value)).ToArray();
    }

    public ReadOnlySpan<byte> Host => "shop.example.com"u8;

    public ReadOnlySpan<byte> Path => "/cart"u8;

    public ReadOnlySpan<byte> Query => default;

    public ReadOnlySpan<byte> Method => "GET"u8;

    public IPAddress? ClientAddress { get; } = IPAddress.Parse("198.51.100.23");

    public int HeaderCount => _names.Length;

    public ReadOnlySpan<byte> GetHeaderName(int index) => _names[index];

    public ReadOnlySpan<byte> GetHeaderValue(int index) => _values[index];
}
