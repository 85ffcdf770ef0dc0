namespace Engine.Core.LoadBalancing;

/// <summary>
/// <c>least_connections</c>: the healthy destination with the fewest in-flight requests per unit
/// of weight (nginx <c>least_conn</c>). One scan of the destinations per pick, reading
/// <see cref="DestinationState.InFlight"/>; the loads are compared as
/// <c>inFlightA * weightB &lt; inFlightB * weightA</c> in 64 bits, without division.
/// </summary>
/// <remarks>
/// Ties rotate in smooth weighted round-robin order: the scan starts at the destination that the
/// precomputed weighted sequence names for this pick's ticket, and only a strictly lighter load
/// replaces the first one found. An idle service (every in-flight count 0, e.g. requests that
/// finish before the next arrives) is therefore spread exactly by weight instead of always
/// landing on the first destination.
/// </remarks>
public sealed class LeastConnectionsPolicy : ILoadBalancingPolicy
{
    public string Name => LoadBalancingPolicyNames.LeastConnections;

    public DestinationPicker CreatePicker(DestinationState[] destinations, LoadBalancingConfig config, Random random)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var weights = new int[destinations.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = destinations[i].Weight;
        }

        return new Picker(destinations, SmoothWeightedSequence.Build(weights));
    }

    private sealed class Picker(DestinationState[] destinations, int[] tieOrder) : DestinationPicker(destinations)
    {
        private readonly int[] _tieOrder = tieOrder;
        private int _next = -1;

        public override DestinationState? Pick(ulong? requestHash)
        {
            DestinationState[] destinations = Destinations;
            int[] tieOrder = _tieOrder;
            if (tieOrder.Length == 0)
            {
                return null;
            }

            uint ticket = (uint)Interlocked.Increment(ref _next);
            int index = tieOrder[ticket % (uint)tieOrder.Length];
            DestinationState? best = null;
            long bestLoad = 0;
            long bestWeight = 1;
            for (int scanned = 0; scanned < destinations.Length; scanned++)
            {
                DestinationState candidate = destinations[index];
                if (++index == destinations.Length)
                {
                    index = 0;
                }

                if (!candidate.IsHealthy)
                {
                    continue;
                }

                long load = candidate.InFlight;
                if (best is null || load * bestWeight < bestLoad * candidate.Weight)
                {
                    best = candidate;
                    bestLoad = load;
                    bestWeight = candidate.Weight;
                }
            }

            return best;
        }
    }
}
