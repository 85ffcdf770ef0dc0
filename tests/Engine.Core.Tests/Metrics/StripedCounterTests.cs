using Engine.Core.Metrics;

namespace Engine.Core.Tests.Metrics;

public sealed class StripedCounterTests
{
    private const int Threads = 8;
    private const int AddsPerThread = 100_000;

    [Fact]
    public void Increment_FromManyThreads_ReadSumsEveryIncrement()
    {
        var counter = new StripedCounter();

        RunConcurrently(() => counter.Increment());

        Assert.Equal(Threads * AddsPerThread, counter.Read());
    }

    [Fact]
    public void IncrementAndDecrement_OnDifferentThreads_ReadActsAsGauge()
    {
        var counter = new StripedCounter();

        // Opens and closes on different threads (so different stripes): the sum still nets out.
        RunConcurrently(() => counter.Increment());
        RunConcurrently(() => counter.Decrement());
        counter.Add(5);

        Assert.Equal(5, counter.Read());
    }

    [Fact]
    public void Add_FromManyThreadsIntoASet_KeepsEachCounterApart()
    {
        var set = new StripedCounterSet(3);

        RunConcurrently(() =>
        {
            set.Increment(0);
            set.Add(2, 10);
        });

        Assert.Equal(Threads * AddsPerThread, set.Read(0));
        Assert.Equal(0, set.Read(1));
        Assert.Equal(10L * Threads * AddsPerThread, set.Read(2));
    }

    [Fact]
    public void Add_IndexOutsideTheSet_Throws()
    {
        var set = new StripedCounterSet(2);

        Assert.Throws<ArgumentOutOfRangeException>(() => set.Add(2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Read(-1));
    }

    internal static void RunConcurrently(Action add)
    {
        using var start = new Barrier(Threads);
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < AddsPerThread; i++)
                {
                    add();
                }
            });
            threads[t].Start();
        }
        foreach (Thread thread in threads)
        {
            thread.Join();
        }
    }
}
