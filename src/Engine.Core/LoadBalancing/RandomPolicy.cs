namespace Engine.Core.LoadBalancing;

/// <summary>
/// <c>random</c>: a destination drawn with probability proportional to its weight from the
/// injected <see cref="Random"/>. An unhealthy draw is redrawn (rejection sampling, so the healthy
/// ones keep their relative weights) up to <see cref="WeightedSampler.MaxDraws"/> times, then one
/// weighted scan of the healthy ones decides.
/// </summary>
public sealed class RandomPolicy : ILoadBalancingPolicy
{
    public string Name => LoadBalancingPolicyNames.Random;

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

            for (int draw = 0; draw < WeightedSampler.MaxDraws; draw++)
            {
                DestinationState destination = destinations[_sampler.Draw(_random)];
                if (destination.IsHealthy)
                {
                    return destination;
                }
            }

            return PickHealthy(destinations, (ulong)_random.NextInt64(), useWeights: true);
        }
    }
}
