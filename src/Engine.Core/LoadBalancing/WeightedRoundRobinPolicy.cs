namespace Engine.Core.LoadBalancing;

/// <summary>
/// <c>weighted_round_robin</c>: nginx's smooth weighted round-robin (weights 5,1,1 give
/// a,a,b,a,c,a,a), from a period precomputed by <see cref="SmoothWeightedSequence"/> and indexed
/// by one shared ticket counter. See <see cref="SmoothWeightedSequence.MaxPeriod"/> for the cap
/// on huge weight sums. <c>round_robin</c> uses the same picker whenever weights differ, so this
/// name survives for configs that spell the intent out; with equal weights both rotate alike.
/// </summary>
public sealed class WeightedRoundRobinPolicy : ILoadBalancingPolicy
{
    public string Name => LoadBalancingPolicyNames.WeightedRoundRobin;

    public DestinationPicker CreatePicker(DestinationState[] destinations, LoadBalancingConfig config, Random random) =>
        CreateSmoothPicker(destinations);

    /// <summary>The smooth weighted picker over <paramref name="destinations"/>, for this policy and <see cref="RoundRobinPolicy"/>.</summary>
    internal static DestinationPicker CreateSmoothPicker(DestinationState[] destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var weights = new int[destinations.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = destinations[i].Weight;
        }

        return new Picker(destinations, SmoothWeightedSequence.Build(weights));
    }

    private sealed class Picker(DestinationState[] destinations, int[] sequence) : DestinationPicker(destinations)
    {
        private readonly int[] _sequence = sequence;
        private int _next = -1;

        public override DestinationState? Pick(ulong? requestHash)
        {
            DestinationState[] destinations = Destinations;
            int[] sequence = _sequence;
            uint period = (uint)sequence.Length;
            if (period == 0)
            {
                return null;
            }

            // The ticket wraps at 2^32; when the period does not divide 2^32 that shifts the phase
            // once per four billion picks, which no ratio notices.
            uint ticket = 0;
            for (int attempt = 0; attempt < destinations.Length; attempt++)
            {
                // Skipping an unhealthy slot takes a fresh ticket, as round_robin does, so the
                // healthy destinations keep their relative weights (5,1,1 with a down: b,c,b,c).
                ticket = (uint)Interlocked.Increment(ref _next);
                DestinationState destination = destinations[sequence[ticket % period]];
                if (destination.IsHealthy)
                {
                    return destination;
                }
            }

            // Light healthy weights can hide behind a heavy unhealthy one for longer than the
            // attempts allow (1000,1 with the 1000 down); the weighted scan finds them in O(n).
            return PickHealthy(destinations, ticket, useWeights: true);
        }
    }
}
