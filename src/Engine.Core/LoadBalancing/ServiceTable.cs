using System.Diagnostics.CodeAnalysis;
using Engine.Core.Routing;

namespace Engine.Core.LoadBalancing;

/// <summary>
/// What the proxy holds per service: either a <see cref="DestinationTable"/> (destinations behind
/// a policy) or a <see cref="WeightedServiceTable"/> (services behind weights, for canaries).
/// Both are immutable and replaced whole when config or the destination set changes.
/// </summary>
/// <remarks>
/// The two kinds are told apart by a type test rather than a virtual method because the pick is
/// generic over the request type: a generic virtual call costs a runtime lookup per request,
/// a test against a sealed type one pointer compare.
/// </remarks>
public abstract class ServiceTable
{
    private protected ServiceTable()
    {
    }

    /// <summary>
    /// Picks a healthy destination for <paramref name="request"/>; false when there is none (the
    /// proxy answers 503). <paramref name="setCookie"/> is non-null when the response must carry
    /// a sticky-session cookie pinning <paramref name="destination"/>: write it with
    /// <see cref="StickySessionModel.TryWriteSetCookie"/>. Lock-free and allocation-free. The
    /// caller counts the request with <see cref="DestinationState.OnRequestStarted"/> and
    /// <see cref="DestinationState.OnRequestCompleted"/>.
    /// </summary>
    public bool TryPick<TInput>(TInput request, [NotNullWhen(true)] out DestinationState? destination, out StickySessionModel? setCookie)
        where TInput : IRouteInput, allows ref struct
    {
        if (this is DestinationTable table)
        {
            return table.PickCore(request, out destination, out setCookie);
        }

        return ((WeightedServiceTable)this).PickCore(request, out destination, out setCookie);
    }

    /// <summary><see cref="TryPick{TInput}(TInput, out DestinationState?, out StickySessionModel?)"/> for callers that ignore affinity cookies.</summary>
    public bool TryPick<TInput>(TInput request, [NotNullWhen(true)] out DestinationState? destination)
        where TInput : IRouteInput, allows ref struct =>
        TryPick(request, out destination, out _);
}
