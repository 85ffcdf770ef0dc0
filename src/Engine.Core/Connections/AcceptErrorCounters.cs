using Engine.Core.Transport;

namespace Engine.Core.Connections;

/// <summary>
/// Failed accepts of one entrypoint, by reason. Rare by nature (each paused retry counts once, a
/// few per second at most), so plain <see cref="Interlocked"/> cells indexed by the enum.
/// </summary>
public sealed class AcceptErrorCounters(string entrypoint)
{
    private readonly long[] _counts = new long[Enum.GetValues<AcceptErrorReason>().Length];

    public string Entrypoint { get; } = entrypoint;

    public long this[AcceptErrorReason reason] => Volatile.Read(ref _counts[(int)reason]);

    public void Record(AcceptErrorReason reason) => Interlocked.Increment(ref _counts[(int)reason]);
}
