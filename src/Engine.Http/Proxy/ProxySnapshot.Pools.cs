namespace Engine.Http.Proxy;

/// <summary>The snapshot's upstream pools as a read-only list, for metrics and the admin API.</summary>
public sealed partial class ProxySnapshot
{
    /// <summary>
    /// Every destination pool of every load-balancer service, in config order, with its
    /// connection counts read now. A new list per call: this is for scrapes, not the data path.
    /// Weighted services own no pools (their children do), so they do not appear.
    /// </summary>
    public IReadOnlyList<UpstreamPoolStats> GetUpstreamPools()
    {
        var pools = new List<UpstreamPoolStats>();
        foreach (ServiceModel service in _services)
        {
            foreach (UpstreamPool pool in service.Pools)
            {
                pools.Add(new UpstreamPoolStats(service.Name, pool.Destination.Name, pool.OpenConnections, pool.IdleConnections));
            }
        }
        return pools;
    }
}

/// <summary>
/// One destination pool at a moment: <see cref="OpenConnections"/> counts every connection the
/// pool holds open (leased or idle), <see cref="IdleConnections"/> the subset waiting for reuse.
/// </summary>
/// <param name="Destination">The destination's name from config (its URL).</param>
public readonly record struct UpstreamPoolStats(string Service, string Destination, int OpenConnections, int IdleConnections);
