using Engine.Core.Metrics;

namespace Engine.Core.Tests.Metrics;

public sealed class HistogramTests
{
    [Fact]
    public void Observe_ValueEqualToABound_CountsInThatBucket()
    {
        var histogram = new Histogram([0.1, 0.5, 1]);

        histogram.Observe(0.1);
        histogram.Observe(0.5);
        histogram.Observe(1);

        Assert.Equal([1, 2, 3, 3], Cumulative(histogram));
    }

    [Fact]
    public void Observe_JustAboveABound_CountsInTheNextBucket()
    {
        var histogram = new Histogram([0.1, 0.5, 1]);

        histogram.Observe(Math.BitIncrement(0.1));
        histogram.Observe(Math.BitIncrement(1.0));

        Assert.Equal([0, 1, 1, 2], Cumulative(histogram));
    }

    [Fact]
    public void CopyCumulativeCounts_MixedValues_AreCumulativeAndEndWithTheCount()
    {
        var histogram = new Histogram([1, 2, 3]);
        foreach (double value in new[] { -5, 0.5, 1.5, 1.7, 2.5, 100, 200 })
        {
            histogram.Observe(value);
        }

        Assert.Equal([2, 4, 5, 7], Cumulative(histogram));
        Assert.Equal(7, histogram.Count);
        Assert.Equal(-5 + 0.5 + 1.5 + 1.7 + 2.5 + 100 + 200, histogram.Sum, precision: 9);
    }

    [Fact]
    public void Observe_NaN_CountsInInfBucketAndMakesSumNaN()
    {
        var histogram = new Histogram([1]);

        histogram.Observe(double.NaN);
        histogram.Observe(0.5);

        Assert.Equal([1, 2], Cumulative(histogram));
        Assert.True(double.IsNaN(histogram.Sum));
    }

    [Fact]
    public void Observe_FromManyThreads_CountsEveryObservationAndSumsExactly()
    {
        var histogram = new Histogram();

        // 0.25 and 2 are exact in binary, so the striped sums add up without rounding.
        StripedCounterTests.RunConcurrently(() =>
        {
            histogram.Observe(0.25);
            histogram.Observe(2);
        });

        const long perValue = 8 * 100_000;
        long[] counts = Cumulative(histogram);
        int quarter = Histogram.DefaultLatencyBounds.IndexOf(0.25);
        int two = Histogram.DefaultLatencyBounds.IndexOf(2.5);
        Assert.Equal(0, counts[quarter - 1]);
        Assert.Equal(perValue, counts[quarter]);
        Assert.Equal(2 * perValue, counts[two]);
        Assert.Equal(2 * perValue, histogram.Count);
        Assert.Equal(perValue * 2.25, histogram.Sum);
    }

    [Theory]
    [InlineData(new[] { 1.0, 1.0 })]
    [InlineData(new[] { 2.0, 1.0 })]
    [InlineData(new[] { 1.0, double.PositiveInfinity })]
    [InlineData(new[] { double.NaN })]
    public void Constructor_BoundsNotFiniteAndStrictlyIncreasing_Throws(double[] bounds)
    {
        Assert.Throws<ArgumentException>(() => new Histogram(bounds));
    }

    [Fact]
    public void DefaultLatencyBounds_RunFromHalfAMillisecondToTenSeconds()
    {
        Assert.Equal(0.0005, Histogram.DefaultLatencyBounds[0]);
        Assert.Equal(10, Histogram.DefaultLatencyBounds[^1]);
    }

    [Fact]
    public void ObserveAndIncrement_InSteadyState_AllocateNothing()
    {
        var histogram = new Histogram();
        var counter = new StripedCounter();
        var set = new StripedCounterSet(4);
        // Warm-up, then the best of three rounds: the first rounds of a tier-0 loop may be
        // replaced on the stack (OSR) under load, and that one-time work is not the steady state.
        long fewest = long.MaxValue;
        for (int round = 0; round < 4 && fewest > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100_000; i++)
            {
                histogram.Observe(i * 1e-4);
                counter.Add(i);
                set.Increment(i & 3);
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round > 0)
            {
                fewest = Math.Min(fewest, allocated);
            }
        }

        Assert.Equal(0, fewest);
    }

    private static long[] Cumulative(Histogram histogram)
    {
        long[] counts = new long[histogram.UpperBounds.Length + 1];
        histogram.CopyCumulativeCounts(counts);
        return counts;
    }
}
