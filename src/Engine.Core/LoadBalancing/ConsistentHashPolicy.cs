namespace Engine.Core.LoadBalancing;

/// <summary>
/// <c>consistent_hash</c>: the request key named by <see cref="LoadBalancingConfig.HashKey"/>
/// (client address by default) is hashed with <see cref="StableHash"/> and looked up in a
/// <see cref="MaglevTable"/> of <see cref="LoadBalancingConfig.MaglevTableSize"/> slots.
/// </summary>
/// <remarks>
/// When the key's destination is unhealthy the pick walks forward through the table from the
/// key's slot. Neighbouring slots belong to unrelated destinations, so the keys of a failed
/// destination spread over the others by weight, each key keeps the same stand-in while health
/// stays the same, and no other key moves. The table itself is rebuilt only when the destination
/// set changes. A request without the key takes slots in rotation, spreading by weight.
/// </remarks>
public sealed class ConsistentHashPolicy : ILoadBalancingPolicy
{
    /// <summary>Slots walked past an unhealthy one before the weighted scan of healthy destinations.</summary>
    private const int MaxProbes = 32;

    public string Name => LoadBalancingPolicyNames.ConsistentHash;

    public DestinationPicker CreatePicker(DestinationState[] destinations, LoadBalancingConfig config, Random random)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Picker(destinations, MaglevTable.Build(destinations, config.MaglevTableSize));
    }

    private sealed class Picker(DestinationState[] destinations, MaglevTable table) : DestinationPicker(destinations)
    {
        private readonly MaglevTable _table = table;
        private int _next = -1;

        public override bool UsesRequestHash => true;

        public override DestinationState? Pick(ulong? requestHash)
        {
            DestinationState[] destinations = Destinations;
            MaglevTable table = _table;
            if (destinations.Length == 0)
            {
                return null;
            }

            ulong key = requestHash ?? (uint)Interlocked.Increment(ref _next);
            int size = table.Size;
            int slot = (int)(key % (uint)size);
            for (int probe = 0; probe <= MaxProbes; probe++)
            {
                DestinationState destination = destinations[table[slot]];
                if (destination.IsHealthy)
                {
                    return destination;
                }

                if (++slot == size)
                {
                    slot = 0;
                }
            }

            return PickHealthy(destinations, key, useWeights: true);
        }
    }
}
