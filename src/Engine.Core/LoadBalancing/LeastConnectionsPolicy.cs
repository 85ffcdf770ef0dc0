namespace Engine.Core.LoadBalancing;

/// <summary>
/// <c>least_connections</c>: the healthy destination with the fewest in-flight requests per unit
/// of weight (nginx <c>least_conn</c>). Loads are compared as
/// <c>inFlightA * weightB &lt; inFlightB * weightA</c> in 64 bits, without division.
/// </summary>
/// <remarks>
/// Two scans of the destinations per pick, both reading <see cref="DestinationState.InFlight"/>:
/// the first finds the lightest load and the total weight of the destinations that share it; when
/// more than one does, a ticket from one <see cref="Interlocked.Increment(ref int)"/> picks among
/// them by weight (nginx does the same with its weighted round-robin). An idle service, where
/// every load is 0 because requests finish before the next arrives, is then spread exactly by
/// weight instead of always landing on the first destination. Starting one scan at a rotating
/// offset instead would be cheaper but unfair: the destination after a busy one would inherit
/// the busy one's turns.
/// </remarks>
public sealed class LeastConnectionsPolicy : ILoadBalancingPolicy
{
    public string Name => LoadBalancingPolicyNames.LeastConnections;

    public DestinationPicker CreatePicker(DestinationState[] destinations, LoadBalancingConfig config, Random random) =>
        new Picker(destinations);

    private sealed class Picker(DestinationState[] destinations) : DestinationPicker(destinations)
    {
        private int _next = -1;

        public override DestinationState? Pick(ulong? requestHash)
        {
            DestinationState[] destinations = Destinations;
            DestinationState? best = null;
            long bestLoad = 0;
            long bestWeight = 1;
            long tiedWeight = 0;
            foreach (DestinationState candidate in destinations)
            {
                if (!candidate.IsHealthy)
                {
                    continue;
                }

                long load = candidate.InFlight;
                long weight = candidate.Weight;
                long difference = best is null ? -1 : (load * bestWeight) - (bestLoad * weight);
                if (difference < 0)
                {
                    best = candidate;
                    bestLoad = load;
                    bestWeight = weight;
                    tiedWeight = weight;
                }
                else if (difference == 0)
                {
                    tiedWeight += weight;
                }
            }

            if (best is null || tiedWeight == bestWeight)
            {
                return best;
            }

            long target = (uint)Interlocked.Increment(ref _next) % tiedWeight;
            foreach (DestinationState candidate in destinations)
            {
                if (candidate.IsHealthy && (long)candidate.InFlight * bestWeight == bestLoad * candidate.Weight)
                {
                    target -= candidate.Weight;
                    if (target < 0)
                    {
                        return candidate;
                    }
                }
            }

            // Thread B changed the loads between the scans so that fewer destinations tie now:
            // the lightest one of the first scan is still a good answer.
            return best;
        }
    }
}
