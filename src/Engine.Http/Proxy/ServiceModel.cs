using Engine.Core.LoadBalancing;

namespace Engine.Http.Proxy;

/// <summary>
/// A compiled service: its destinations, each with its connection pool. Picking is round-robin
/// over healthy destinations with one <see cref="Interlocked.Increment(ref int)"/>, no lock.
/// </summary>
internal sealed class ServiceModel
{
    private readonly UpstreamPool[] _pools;
    private int _next = -1;

    public ServiceModel(string name, UpstreamPool[] pools)
    {
        Name = name;
        _pools = pools;
    }

    public string Name { get; }

    public ReadOnlySpan<UpstreamPool> Pools => _pools;

    /// <summary>The next healthy destination in rotation, or null when none is healthy.</summary>
    public UpstreamPool? PickDestination()
    {
        UpstreamPool[] pools = _pools;
        int start = (int)((uint)Interlocked.Increment(ref _next) % (uint)pools.Length);
        for (int i = 0; i < pools.Length; i++)
        {
            UpstreamPool candidate = pools[(start + i) % pools.Length];
            if (candidate.Destination.IsHealthy)
            {
                return candidate;
            }
        }
        return null;
    }
}
