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
    private readonly WeightedService[] _children;
    private readonly int[] _sequence;
    private int _next = -1;

    public WeightedServiceTable(IEnumerable<WeightedService> children)
    {
        ArgumentNullException.ThrowIfNull(children);
        _children = children.ToArray();
        var weights = new int[_children.Length];
        for (int i = 0; i < _children.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(_children[i].Service, nameof(children));
            weights[i] = _children[i].Weight;
        }

        _sequence = SmoothWeightedSequence.Build(weights);
    }

    public IReadOnlyList<WeightedService> Children => _children;

    internal bool PickCore<TInput>(TInput request, [NotNullWhen(true)] out DestinationState? destination, out StickySessionModel? setCookie)
        where TInput : IRouteInput, allows ref struct
    {
        WeightedService[] children = _children;
        int[] sequence = _sequence;
        uint period = (uint)sequence.Length;
        if (period != 0)
        {
            for (int attempt = 0; attempt < children.Length; attempt++)
            {
                uint ticket = (uint)Interlocked.Increment(ref _next);
                if (children[sequence[ticket % period]].Service.TryPick(request, out destination, out setCookie))
                {
                    return true;
                }
            }

            foreach (WeightedService child in children)
            {
                if (child.Service.TryPick(request, out destination, out setCookie))
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
