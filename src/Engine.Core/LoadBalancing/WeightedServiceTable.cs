using System.Diagnostics.CodeAnalysis;
using Engine.Core.Routing;

namespace Engine.Core.LoadBalancing;

/// <summary>A child service and its weight in a <see cref="WeightedServiceTable"/>.</summary>
public readonly record struct WeightedService(ServiceTable Service, int Weight);

/// <summary>
/// A service made of services (canaries, blue/green): a child is chosen by nginx's smooth
/// weighted round-robin over the child weights, then the child picks a destination. Children
/// may themselves be weighted services.
/// </summary>
/// <remarks>
/// A child with no healthy destination is skipped by taking the next ticket, so the healthy
/// children keep their relative weights; when every ticket tried lands on such a child, each
/// child is asked once in order. Sticky cookies belong to the child tables (the one that picked
/// reports its <see cref="StickySessionModel"/>); the choice of child itself is not pinned.
/// </remarks>
public sealed class WeightedServiceTable : ServiceTable
{
    // Children with a positive weight; the sequence indexes this array.
    private readonly ServiceTable[] _serving;
    private readonly int[] _sequence;
    private int _next = -1;

    /// <summary>
    /// Builds the table. A weight of 0 keeps a child configured but out of rotation (a canary
    /// before its first step); it is not a fallback either. Negative weights are rejected.
    /// </summary>
    public WeightedServiceTable(IEnumerable<WeightedService> children)
    {
        ArgumentNullException.ThrowIfNull(children);
        Children = children.ToArray();
        var serving = new List<ServiceTable>();
        var weights = new List<int>();
        foreach (WeightedService child in Children)
        {
            ArgumentNullException.ThrowIfNull(child.Service, nameof(children));
            ArgumentOutOfRangeException.ThrowIfNegative(child.Weight, nameof(children));
            if (child.Weight > 0)
            {
                serving.Add(child.Service);
                weights.Add(child.Weight);
            }
        }

        _serving = serving.ToArray();
        _sequence = SmoothWeightedSequence.Build(weights.ToArray());
    }

    /// <summary>Every configured child, including those of weight 0.</summary>
    public IReadOnlyList<WeightedService> Children { get; }

    internal bool PickCore<TInput>(TInput request, [NotNullWhen(true)] out DestinationState? destination, out StickySessionModel? setCookie)
        where TInput : IRouteInput, allows ref struct
    {
        ServiceTable[] children = _serving;
        int[] sequence = _sequence;
        uint period = (uint)sequence.Length;
        if (period != 0)
        {
            for (int attempt = 0; attempt < children.Length; attempt++)
            {
                uint ticket = (uint)Interlocked.Increment(ref _next);
                if (children[sequence[ticket % period]].TryPick(request, out destination, out setCookie))
                {
                    return true;
                }
            }

            foreach (ServiceTable child in children)
            {
                if (child.TryPick(request, out destination, out setCookie))
                {
                    return true;
                }
            }
        }

        destination = null;
        setCookie = null;
        return false;
    }
}
