using System.Net;
using System.Text;

namespace Engine.Core.LoadBalancing;

/// <summary>
/// The live state of one upstream destination: its address, weight and health flag, and the
/// counters that balancing policies read. Counters change with <see cref="Interlocked"/> only;
/// nothing here takes a lock. Per STYLE #8, a single destination stands for a one-item list so
/// a service with one server needs no array.
/// </summary>
public class DestinationState : IReadOnlyList<DestinationState>
{
    private int _inFlight;
    private volatile bool _healthy = true;

    public DestinationState(string name, EndPoint endPoint, int weight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weight);
        Name = name;
        EndPoint = endPoint;
        Weight = weight;
        StickyId = StableHash.Hash64(Encoding.UTF8.GetBytes(name), StickySessionModel.IdSeed);
    }

    /// <summary>Stable name from config (e.g. "http://127.0.0.1:9001"), used in logs and metrics.</summary>
    public string Name { get; }

    public EndPoint EndPoint { get; }

    public int Weight { get; }

    /// <summary>
    /// The opaque id that sticky-session cookies carry: a stable hash of <see cref="Name"/>, so it
    /// survives restarts and config reloads and reveals no address. Computed once here so that
    /// writing a Set-Cookie needs no lookup.
    /// </summary>
    internal ulong StickyId { get; }

    /// <summary>Set by health checks (and tests); balancing skips unhealthy destinations.</summary>
    public bool IsHealthy
    {
        get => _healthy;
        set => _healthy = value;
    }

    /// <summary>Requests currently forwarded to this destination.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public void OnRequestStarted() => Interlocked.Increment(ref _inFlight);

    public void OnRequestCompleted() => Interlocked.Decrement(ref _inFlight);

    int IReadOnlyCollection<DestinationState>.Count => 1;

    DestinationState IReadOnlyList<DestinationState>.this[int index] =>
        index == 0 ? this : throw new ArgumentOutOfRangeException(nameof(index));

    IEnumerator<DestinationState> IEnumerable<DestinationState>.GetEnumerator()
    {
        yield return this;
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() =>
        ((IEnumerable<DestinationState>)this).GetEnumerator();

    public override string ToString() => Name;
}
