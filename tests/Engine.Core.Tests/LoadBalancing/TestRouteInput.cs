using System.Net;
using System.Text;
using Engine.Core.LoadBalancing;
using Engine.Core.Routing;

namespace Engine.Core.Tests.LoadBalancing;

/// <summary>A request for balancing tests: a client address and header fields, nothing parsed.</summary>
internal sealed class TestRouteInput : IRouteInput
{
    private readonly List<(byte[] Name, byte[] Value)> _headers = [];

    public TestRouteInput(IPAddress? clientAddress = null, params (string Name, string Value)[] headers)
    {
        ClientAddress = clientAddress;
        foreach ((string name, string value) in headers)
        {
            _headers.Add((Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(value)));
        }
    }

    public static TestRouteInput Empty { get; } = new();

    public ReadOnlySpan<byte> Host => "example.test"u8;

    public ReadOnlySpan<byte> Path => "/"u8;

    public ReadOnlySpan<byte> Query => default;

    public ReadOnlySpan<byte> Method => "GET"u8;

    public IPAddress? ClientAddress { get; set; }

    public int HeaderCount => _headers.Count;

    public ReadOnlySpan<byte> GetHeaderName(int index) => _headers[index].Name;

    public ReadOnlySpan<byte> GetHeaderValue(int index) => _headers[index].Value;

    public static TestRouteInput WithCookie(string cookieHeader) => new(null, ("Cookie", cookieHeader));

    public static TestRouteInput FromClient(string address) => new(IPAddress.Parse(address));
}

/// <summary>Builds destinations and tables for the tests.</summary>
internal static class Lb
{
    public static DestinationState[] Destinations(params int[] weights)
    {
        var destinations = new DestinationState[weights.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            destinations[i] = new DestinationState(Name(i), new IPEndPoint(IPAddress.Loopback, 9000 + i), weights[i]);
        }

        return destinations;
    }

    public static DestinationState[] Equal(int count) => Destinations(Enumerable.Repeat(1, count).ToArray());

    /// <summary>"a".."z" for the first 26 (sequences read well in assertions), then "d26", "d27"...</summary>
    public static string Name(int index) => index < 26 ? ((char)('a' + index)).ToString() : $"d{index}";

    public static DestinationTable Table(string policy, DestinationState[] destinations, int seed = 42, LoadBalancingConfig? config = null) =>
        DestinationTable.Create((config ?? new LoadBalancingConfig()) with { Policy = policy }, destinations, random: new Random(seed));

    public static DestinationState Pick(ServiceTable table, TestRouteInput? request = null)
    {
        Assert.True(table.TryPick(request ?? TestRouteInput.Empty, out DestinationState? destination));
        return destination;
    }

    /// <summary>How many of <paramref name="picks"/> went to each destination, in destination order.</summary>
    public static int[] Count(DestinationTable table, int picks, TestRouteInput? request = null)
    {
        var counts = new int[table.Destinations.Count];
        for (int i = 0; i < picks; i++)
        {
            DestinationState picked = Pick(table, request);
            counts[IndexOf(table, picked)]++;
        }

        return counts;
    }

    public static int IndexOf(DestinationTable table, DestinationState destination)
    {
        for (int i = 0; i < table.Destinations.Count; i++)
        {
            if (ReferenceEquals(table.Destinations[i], destination))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"{destination} is not in the table.");
    }

    public static void AssertShares(int[] counts, double[] expectedShares, double tolerance)
    {
        double total = counts.Sum();
        for (int i = 0; i < counts.Length; i++)
        {
            double share = counts[i] / total;
            Assert.True(
                Math.Abs(share - expectedShares[i]) <= tolerance,
                $"destination {Name(i)}: share {share:F4}, expected {expectedShares[i]:F4} ± {tolerance} (counts {string.Join(",", counts)})");
        }
    }

    public static double[] Shares(params int[] weights)
    {
        double total = weights.Sum();
        return weights.Select(w => w / total).ToArray();
    }
}
