using System.Diagnostics;

namespace Engine.Core.LoadBalancing;

/// <summary>
/// Draws destination indexes with probability proportional to weight: one
/// <see cref="Random.Next(int)"/> when all weights are equal, else one
/// <see cref="Random.NextInt64(long)"/> and a binary search over cumulative weights.
/// </summary>
internal sealed class WeightedSampler
{
    /// <summary>Unhealthy draws tolerated before a pick falls back to scanning for healthy ones.</summary>
    public const int MaxDraws = 4;

    // cumulative[i] = weight[0] + ... + weight[i]; null when the weights are all equal.
    private readonly long[]? _cumulative;
    private readonly int _count;

    public WeightedSampler(DestinationState[] destinations)
    {
        _count = destinations.Length;
        bool equal = true;
        var cumulative = new long[destinations.Length];
        long total = 0;
        for (int i = 0; i < destinations.Length; i++)
        {
            total += destinations[i].Weight;
            cumulative[i] = total;
            equal &= destinations[i].Weight == destinations[0].Weight;
        }

        _cumulative = equal ? null : cumulative;
    }

    public int Draw(Random random)
    {
        Debug.Assert(_count > 0, "drawing from an empty set");
        long[]? cumulative = _cumulative;
        return cumulative is null ? random.Next(_count) : Find(cumulative, random.NextInt64(cumulative[^1]));
    }

    /// <summary>A draw among all but <paramref name="excluded"/>, still by weight; needs two or more destinations.</summary>
    public int DrawExcept(Random random, int excluded)
    {
        Debug.Assert(_count > 1 && (uint)excluded < (uint)_count, "excluding from fewer than two");
        long[]? cumulative = _cumulative;
        if (cumulative is null)
        {
            int index = random.Next(_count - 1);
            return index >= excluded ? index + 1 : index;
        }

        // Draw over the total less the excluded weight and step over its interval.
        long start = excluded == 0 ? 0 : cumulative[excluded - 1];
        long width = cumulative[excluded] - start;
        long point = random.NextInt64(cumulative[^1] - width);
        return Find(cumulative, point >= start ? point + width : point);
    }

    // The first index whose cumulative weight exceeds point.
    private static int Find(long[] cumulative, long point)
    {
        int low = 0;
        int high = cumulative.Length - 1;
        while (low < high)
        {
            int middle = (int)((uint)(low + high) >> 1);
            if (cumulative[middle] > point)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }
}
