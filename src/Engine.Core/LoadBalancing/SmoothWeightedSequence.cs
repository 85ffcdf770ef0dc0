using System.Diagnostics;

namespace Engine.Core.LoadBalancing;

/// <summary>
/// One full period of nginx's smooth weighted round-robin
/// (<c>ngx_http_upstream_get_peer</c>), computed once at build time so that a pick is one
/// <see cref="Interlocked.Increment(ref int)"/> and an array read. nginx keeps
/// <c>current_weight</c> per peer and updates it under the upstream's lock on every pick; here the
/// period is immutable and the only shared state is the ticket counter, so concurrent picks are
/// correct without a lock: every ticket is handed out once, and any run of consecutive tickets
/// as long as the period holds each entry exactly its weight's number of times.
/// </summary>
internal static class SmoothWeightedSequence
{
    /// <summary>
    /// Cap on the period after dividing the weights by their greatest common divisor. Weights
    /// whose sum is larger are scaled down to sum to about this (each kept at least 1), which
    /// keeps the sequence smooth and each share within about count/MaxPeriod of its exact ratio;
    /// the period is then at most <c>MaxPeriod + count</c> entries (64 KiB of indexes plus 4 bytes
    /// per destination).
    /// </summary>
    public const int MaxPeriod = 1 << 14;

    /// <summary>Indexes into <paramref name="weights"/>, one period long; empty for no weights.</summary>
    public static int[] Build(ReadOnlySpan<int> weights)
    {
        if (weights.IsEmpty)
        {
            return [];
        }

        long[] reduced = Reduce(weights);
        long total = 0;
        foreach (long weight in reduced)
        {
            total += weight;
        }

        Debug.Assert(total <= MaxPeriod + weights.Length, "scaled weights must fit the period cap");
        var sequence = new int[total];
        var current = new long[reduced.Length];

        // nginx: every peer gains its weight, the largest current weight wins (the first of equals,
        // since only a strictly larger one replaces it) and pays the total back. For 5,1,1 this
        // gives a,a,b,a,c,a,a; after one period every current weight is 0 again.
        for (int step = 0; step < sequence.Length; step++)
        {
            int best = -1;
            for (int i = 0; i < reduced.Length; i++)
            {
                current[i] += reduced[i];
                if (best < 0 || current[i] > current[best])
                {
                    best = i;
                }
            }

            current[best] -= total;
            sequence[step] = best;
        }

        return sequence;
    }

    private static long[] Reduce(ReadOnlySpan<int> weights)
    {
        var reduced = new long[weights.Length];
        long total = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] <= 0)
            {
                throw new ArgumentException($"Weight {weights[i]} at index {i} must be positive.", nameof(weights));
            }

            reduced[i] = weights[i];
            total += weights[i];
        }

        DivideByGcd(reduced);
        total = Sum(reduced);
        if (total > MaxPeriod)
        {
            for (int i = 0; i < reduced.Length; i++)
            {
                reduced[i] = Math.Max(1, reduced[i] * MaxPeriod / total);
            }

            DivideByGcd(reduced);
        }

        return reduced;
    }

    private static void DivideByGcd(long[] weights)
    {
        long gcd = 0;
        foreach (long weight in weights)
        {
            gcd = Gcd(gcd, weight);
        }

        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] /= gcd;
        }
    }

    private static long Sum(long[] weights)
    {
        long total = 0;
        foreach (long weight in weights)
        {
            total += weight;
        }

        return total;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
