using BenchmarkDotNet.Attributes;
using Engine.Core.LoadBalancing;

namespace Engine.Perf.LoadBalancing;

/// <summary>
/// The request-reading paths on top of a pick: consistent_hash on a header and on a cookie,
/// a sticky-session hit, a sticky miss that writes its Set-Cookie value, and a 90/10 canary
/// (weighted service over two round_robin services). Round-robin over the same destinations is
/// the baseline: the ratio is the price of reading the request.
/// </summary>
[MemoryDiagnoser]
public class LoadBalancingKeyBenchmarks
{
    private const int Picks = 1024;

    private DestinationTable _roundRobin = null!;
    private DestinationTable _byHeader = null!;
    private DestinationTable _byCookie = null!;
    private DestinationTable _sticky = null!;
    private WeightedServiceTable _canary = null!;
    private BenchmarkRouteInput _request = null!;
    private BenchmarkRouteInput _pinnedRequest = null!;
    private readonly byte[] _setCookie = new byte[256];

    [Params(3, 100)]
    public int Destinations { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        DestinationState[] destinations = LoadBalancingBenchmarks.CreateDestinations(Destinations);
        _roundRobin = DestinationTable.Create(new LoadBalancingConfig(), destinations);
        _byHeader = DestinationTable.Create(
            new LoadBalancingConfig { Policy = "consistent_hash", HashKey = new HashKeyConfig(HashKeySource.Header, "x-user") },
            destinations);
        _byCookie = DestinationTable.Create(
            new LoadBalancingConfig { Policy = "consistent_hash", HashKey = new HashKeyConfig(HashKeySource.Cookie, "session") },
            destinations);
        _sticky = DestinationTable.Create(
            new LoadBalancingConfig { StickySession = new StickySessionConfig("srv") { Secure = true, SameSite = CookieSameSite.Lax } },
            destinations);
        _canary = new WeightedServiceTable(
        [
            new WeightedService(DestinationTable.Create(new LoadBalancingConfig(), destinations), 90),
            new WeightedService(DestinationTable.Create(new LoadBalancingConfig(), LoadBalancingBenchmarks.CreateDestinations(2)), 10),
        ]);
        _request = new BenchmarkRouteInput("theme=dark; session=8f3c2a");
        string pin = StickySessionModel.GetCookieValue(destinations[Destinations / 2]);
        _pinnedRequest = new BenchmarkRouteInput($"theme=dark; session=8f3c2a; srv={pin}");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Picks)]
    public DestinationState? RoundRobin() => Run(_roundRobin, _request);

    [Benchmark(OperationsPerInvoke = Picks)]
    public DestinationState? ConsistentHashOnHeader() => Run(_byHeader, _request);

    [Benchmark(OperationsPerInvoke = Picks)]
    public DestinationState? ConsistentHashOnCookie() => Run(_byCookie, _request);

    [Benchmark(OperationsPerInvoke = Picks)]
    public DestinationState? StickyHit() => Run(_sticky, _pinnedRequest);

    [Benchmark(OperationsPerInvoke = Picks)]
    public int StickyMissWithSetCookie()
    {
        int written = 0;
        for (int i = 0; i < Picks; i++)
        {
            if (_sticky.TryPick(_request, out DestinationState? picked, out StickySessionModel? setCookie) && setCookie is not null)
            {
                setCookie.TryWriteSetCookie(picked, _setCookie, out written);
            }
        }

        return written;
    }

    [Benchmark(OperationsPerInvoke = Picks)]
    public DestinationState? WeightedServiceCanary() => Run(_canary, _request);

    private static DestinationState? Run(ServiceTable table, BenchmarkRouteInput request)
    {
        DestinationState? picked = null;
        for (int i = 0; i < Picks; i++)
        {
            table.TryPick(request, out picked, out _);
        }

        return picked;
    }
}
