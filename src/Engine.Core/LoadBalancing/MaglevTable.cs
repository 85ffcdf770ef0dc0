using System.Text;

namespace Engine.Core.LoadBalancing;

/// <summary>
/// Maglev consistent hashing (Eisenbud et al., NSDI 2016, §3.4): a lookup table of prime size M
/// in which every destination claims slots in the order of its own permutation
/// <c>(offset + j * skip) mod M</c>, taking turns until the table is full. A key's slot is
/// <c>hash mod M</c>. Removing one of N destinations reassigns that destination's slots and
/// very few others, so about 1/N of the keys move; each destination holds a share of slots
/// proportional to its weight, within about N/M.
/// </summary>
/// <remarks>
/// Weights follow Envoy's <c>MaglevTable</c>: the heaviest destination claims a slot every turn,
/// one of a third of its weight every third turn. Offsets and skips come from
/// <see cref="StableHash"/> of the destination name, never of its address or position, and the
/// destinations take their turns in ordinal name order rather than config order, so every
/// process (and every replica of the proxy, whatever order discovery lists them in) builds the
/// same table from the same names and weights.
/// </remarks>
internal sealed class MaglevTable
{
    public const int DefaultSize = 65537;

    /// <summary>Slots hold destination indexes as <see cref="ushort"/>: 128 KiB for the default size.</summary>
    public const int MaxDestinations = ushort.MaxValue + 1;

    private const ulong OffsetSeed = 0x6F66667365740001UL;
    private const ulong SkipSeed = 0x736B697000000002UL;

    private readonly ushort[] _slots;

    private MaglevTable(ushort[] slots) => _slots = slots;

    public int Size => _slots.Length;

    /// <summary>The destination index in slot <paramref name="slot"/>.</summary>
    public int this[int slot] => _slots[slot];

    public static MaglevTable Build(DestinationState[] destinations, int size)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        if (!IsPrime(size))
        {
            throw new ArgumentException($"Maglev table size {size} must be a prime number.", nameof(size));
        }

        if (destinations.Length > Math.Min(size, MaxDestinations))
        {
            throw new ArgumentException(
                $"Maglev table size {size} cannot hold {destinations.Length} destinations (at most the size and {MaxDestinations}).",
                nameof(destinations));
        }

        if (destinations.Length == 0)
        {
            return new MaglevTable([]);
        }

        int count = destinations.Length;
        var names = new string[count];
        var turnOrder = new int[count];
        for (int i = 0; i < count; i++)
        {
            names[i] = destinations[i].Name;
            turnOrder[i] = i;
        }

        Array.Sort(names, turnOrder, StringComparer.Ordinal);
        var position = new long[count];
        var skip = new long[count];
        var claimedUpTo = new long[count];
        long heaviest = 0;
        for (int i = 0; i < count; i++)
        {
            byte[] name = Encoding.UTF8.GetBytes(destinations[i].Name);
            position[i] = (long)(StableHash.Hash64(name, OffsetSeed) % (ulong)size);
            skip[i] = (long)(StableHash.Hash64(name, SkipSeed) % (ulong)(size - 1)) + 1;
            heaviest = Math.Max(heaviest, destinations[i].Weight);
        }

        var slots = new int[size];
        Array.Fill(slots, -1);
        int filled = 0;

        // A destination of weight w claims a slot on turn t once t * w has reached the mark it
        // set on its previous claim (its previous mark plus the heaviest weight): the heaviest
        // claims every turn, weight w about w/heaviest of the turns. Every skip is in [1, M-1]
        // and M is prime, so each permutation visits every slot and the loops end.
        for (long turn = 0; filled < size; turn++)
        {
            for (int turnIndex = 0; turnIndex < count && filled < size; turnIndex++)
            {
                int i = turnOrder[turnIndex];
                if (turn * destinations[i].Weight < claimedUpTo[i])
                {
                    continue;
                }

                claimedUpTo[i] += heaviest;
                long slot = position[i];
                while (slots[slot] >= 0)
                {
                    slot += skip[i];
                    if (slot >= size)
                    {
                        slot -= size;
                    }
                }

                slots[slot] = i;
                filled++;
                slot += skip[i];
                position[i] = slot >= size ? slot - size : slot;
            }
        }

        var compact = new ushort[size];
        for (int i = 0; i < size; i++)
        {
            compact[i] = (ushort)slots[i];
        }

        return new MaglevTable(compact);
    }

    public static bool IsPrime(int value)
    {
        if (value < 2)
        {
            return false;
        }

        for (int divisor = 2; (long)divisor * divisor <= value; divisor++)
        {
            if (value % divisor == 0)
            {
                return false;
            }
        }

        return true;
    }
}
