using System.Net;
using BenchmarkDotNet.Attributes;
using Engine.Core.LoadBalancing;

namespace Engine.Perf.LoadBalancing;

/// <summary>
/// One pick per operation for each built-in policy over 3 and 100 weighted destinations, with
/// steady in-flight counts so least_connections and power_of_two_choices compare real loads.
/// Randomness is <see cref="Random.Shared"/>, as in production.
/// </summary>
[MemoryDiagnoser]
public class LoadBalancingBenchmarks
{
    private const int Picks = 1024;

    private DestinationTable _table = null!;
    private BenchmarkRouteInput _request = null!;

    [Params(3, 100)]
    public int Destinations { get; set; }

    [Params(
        LoadBalancingPolicyNames.RoundRobin,
        LoadBalancingPolicyNames.WeightedRoundRobin,
        LoadBalancingPolicyNames.LeastConnections,
        LoadBalancingPolicyNames.Random,
        LoadBalancingPolicyNames.PowerOfTwoChoices,
        LoadBalancingPolicyNames.ConsistentHash)]
    public string Policy { get; set; } = LoadBalancingPolicyNames.RoundRobin;

    [GlobalSetup]
    public void Setup()
    {
        _table = DestinationTable.Create(new LoadBalancingConfig { Policy = Policy }, CreateDestinations(Destinations));
        _request = new BenchmarkRouteInput("theme=dark; session=8f3c2a");
    }

    [Benchmark(OperationsPerInvoke = Picks)]
    public DestinationState? Pick()
    {
        DestinationTable table = _table;
        BenchmarkRouteInput request = _request;
        DestinationState? picked = null;
        for (int i = 0; i < Picks; i++)
        {
            table.TryPick(request, out picked);
        }

        return picked;
    }

    /// <summary>Weights 1..4 in turn, and 0..7 requests in flight, fixed for the run.</summary>
    internal static DestinationState[] CreateDestinations(int count)
    {
        var destinations = new DestinationState[count];
        for (int i = 0; i < count; i++)
        {
            destinations[i] = new DestinationState($"http://10.0.{i / 250}.{i % 250}:8080", new IPEndPoint(IPAddress.Loopback, 9000 + i), 1 + (i % 4));
            for (int inFlight = 0; inFlight < (i * 5) % 8; inFlight++)
            {
                destinations[i].OnRequestStarted();
            }
        }

        return destinations;
    }
}
