namespace Engine.Core.LoadBalancing;

/// <summary>
/// <c>power_of_two_choices</c>: two distinct healthy destinations drawn by weight, and the one with
/// fewer in-flight requests per unit of weight wins (the first drawn on a tie). Mitzenmacher's
/// two choices keep the busiest destination's load close to least_connections' at the cost of two
/// random draws instead of a scan (YARP <c>PowerOfTwoChoicesLoadBalancingPolicy</c>).
/// </summary>
public sealed class PowerOfTwoChoicesPolicy : ILoadBalancingPolicy
{
    public string Name => LoadBalancingPolicyNames.PowerOfTwoChoices;

    public DestinationPicker CreatePicker(DestinationState[] destinations, LoadBalancingConfig config, Random random) =>
        new Picker(destinations, random);

    private sealed class Picker(DestinationState[] destinations, Random random) : DestinationPicker(destinations)
    {
        private readonly WeightedSampler _sampler = new(destinations);
        private readonly Random _random = random;

        public override DestinationState? Pick(ulong? requestHash)
        {
            DestinationState[] destinations = Destinations;
            if (destinations.Length == 0)
            {
                return null;
            }

            int first = -1;
            for (int draw = 0; draw < WeightedSampler.MaxDraws && first < 0; draw++)
            {
                int index = _sampler.Draw(_random);
                if (destinations[index].IsHealthy)
                {
                    first = index;
                }
            }

            if (first < 0)
            {
                // Mostly unhealthy: whichever healthy destination remains, without a second choice.
                return PickHealthy(destinations, (ulong)_random.NextInt64(), useWeights: true);
            }

            DestinationState chosen = destinations[first];
            if (destinations.Length == 1)
            {
                return chosen;
            }

            for (int draw = 0; draw < WeightedSampler.MaxDraws; draw++)
            {
                DestinationState other = destinations[_sampler.DrawExcept(_random, first)];
                if (other.IsHealthy)
                {
                    return (long)other.InFlight * chosen.Weight < (long)chosen.InFlight * other.Weight ? other : chosen;
                }
            }

            // No healthy second candidate found: the first one stands alone.
            return chosen;
        }
    }
}
