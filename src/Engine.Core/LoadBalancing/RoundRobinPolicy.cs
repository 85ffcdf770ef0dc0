namespace Engine.Core.LoadBalancing;

/// <summary>
/// <c>round_robin</c>, the default: destinations in turn, in proportion to their weights, as
/// nginx's round robin and Traefik's default <c>wrr</c> do. Equal weights (the usual case) get a
/// plain rotation, one <see cref="Interlocked.Increment(ref int)"/> per pick as Pingora's
/// <c>RoundRobin</c> selector; differing weights get the smooth sequence of
/// <see cref="WeightedRoundRobinPolicy"/> (3,1 gives a,a,b,a rather than a,a,a,b). The choice is
/// made once per build, so the request path pays for weights only when a service has them.
/// </summary>
public sealed class RoundRobinPolicy : ILoadBalancingPolicy
{
    public string Name => LoadBalancingPolicyNames.RoundRobin;

    public DestinationPicker CreatePicker(DestinationState[] destinations, LoadBalancingConfig config, Random random)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        return HasEqualWeights(destinations)
            ? new Picker(destinations)
            : WeightedRoundRobinPolicy.CreateSmoothPicker(destinations);
    }

    /// <summary>True when every destination has the same weight (or there are none): then weights change nothing.</summary>
    private static bool HasEqualWeights(DestinationState[] destinations)
    {
        for (int i = 1; i < destinations.Length; i++)
        {
            if (destinations[i].Weight != destinations[0].Weight)
            {
                return false;
            }
        }

        return true;
    }

    private sealed class Picker(DestinationState[] destinations) : DestinationPicker(destinations)
    {
        private int _next = -1;

        public override DestinationState? Pick(ulong? requestHash)
        {
            DestinationState[] destinations = Destinations;
            uint count = (uint)destinations.Length;
            if (count == 0)
            {
                return null;
            }

            // An unhealthy slot consumes its ticket and takes the next one rather than falling
            // through to its neighbour: with b down in a,b,c the tickets go a,(b)c,a,(b)c, so the
            // healthy ones keep equal shares instead of c taking b's traffic on top of its own.
            for (uint attempt = 0; attempt < count; attempt++)
            {
                uint ticket = (uint)Interlocked.Increment(ref _next);
                DestinationState destination = destinations[ticket % count];
                if (destination.IsHealthy)
                {
                    return destination;
                }
            }

            // As many unhealthy tickets in a row as there are destinations: probably none is
            // healthy; the scan answers for sure.
            return PickHealthy(destinations, (uint)Volatile.Read(ref _next), useWeights: false);
        }
    }
}
