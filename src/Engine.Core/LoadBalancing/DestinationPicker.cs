namespace Engine.Core.LoadBalancing;

/// <summary>
/// One service's compiled balancing state: immutable arrays built by a policy plus, at most, a
/// few <see cref="Interlocked"/> counters. <see cref="Pick"/> runs on every request from many
/// threads at once: it takes no lock and allocates nothing.
/// </summary>
/// <remarks>
/// Deliberately not given the request itself: a generic virtual method
/// (<c>Pick&lt;TInput&gt;</c>) costs a runtime dictionary lookup per call, and boxing a struct input
/// allocates. The owning <see cref="DestinationTable"/> extracts the configured key and passes
/// only its hash, to pickers that ask for it through <see cref="UsesRequestHash"/>.
/// </remarks>
public abstract class DestinationPicker
{
    protected DestinationPicker(DestinationState[] destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        Destinations = destinations;
    }

    /// <summary>The service's destinations in config order; never modified after construction.</summary>
    protected DestinationState[] Destinations { get; }

    /// <summary>True when <see cref="Pick"/> reads its argument; read once when the table is built.</summary>
    public virtual bool UsesRequestHash => false;

    /// <summary>
    /// Picks a healthy destination, or returns null when none is healthy (the proxy answers 503).
    /// <paramref name="requestHash"/> is the stable hash of the configured request key, null when
    /// the request lacks it or the picker does not use it.
    /// </summary>
    public abstract DestinationState? Pick(ulong? requestHash);

    /// <summary>
    /// The fallback every policy shares once its own choice was unhealthy: a choice among the
    /// healthy destinations driven by <paramref name="selector"/> (a ticket, a draw or a key
    /// hash), so consecutive selectors give each healthy destination its weight's share (an equal
    /// share when <paramref name="useWeights"/> is false). Two passes over the array, no
    /// allocation; null when none is healthy.
    /// </summary>
    protected static DestinationState? PickHealthy(DestinationState[] destinations, ulong selector, bool useWeights)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        long healthyWeight = 0;
        foreach (DestinationState destination in destinations)
        {
            if (destination.IsHealthy)
            {
                healthyWeight += useWeights ? destination.Weight : 1;
            }
        }

        if (healthyWeight == 0)
        {
            return null;
        }

        // Thread A may mark a destination unhealthy between the passes: then the target can run
        // past the end, and the last healthy one seen stands in rather than failing the request.
        long target = (long)(selector % (ulong)healthyWeight);
        DestinationState? lastHealthy = null;
        foreach (DestinationState destination in destinations)
        {
            if (!destination.IsHealthy)
            {
                continue;
            }

            lastHealthy = destination;
            target -= useWeights ? destination.Weight : 1;
            if (target < 0)
            {
                return destination;
            }
        }

        return lastHealthy;
    }
}
