using System.Net;
using Engine.Core.LoadBalancing;

namespace Engine.Core.Tests.LoadBalancing;

public class ConcurrencyTests
{
    private const int Threads = 8;
    private const int PicksPerThread = 70_000;

    [Theory]
    [InlineData("round_robin", new[] { 1, 1, 1, 1 }, new[] { 1, 1, 1, 1 })]
    [InlineData("weighted_round_robin", new[] { 5, 1, 1 }, new[] { 5, 1, 1 })]
    public void Pick_ManyThreads_HandEveryTicketOutOnceSoCountsAreExact(string policy, int[] weights, int[] shares)
    {
        DestinationTable table = Lb.Table(policy, Lb.Destinations(weights));

        int[] counts = PickConcurrently(table, hold: false);

        int total = Threads * PicksPerThread;
        int unit = total / shares.Sum();
        Assert.Equal(shares.Select(s => s * unit).ToArray(), counts);
    }

    [Theory]
    [InlineData("least_connections")]
    [InlineData("random")]
    [InlineData("power_of_two_choices")]
    [InlineData("consistent_hash")]
    public void Pick_ManyThreads_CountEveryPickAndLeaveNoRequestInFlight(string policy)
    {
        DestinationState[] destinations = Lb.Destinations(2, 1, 1, 3);
        DestinationTable table = DestinationTable.Create(new LoadBalancingConfig { Policy = policy }, destinations);

        int[] counts = PickConcurrently(table, hold: true);

        Assert.Equal(Threads * PicksPerThread, counts.Sum());
        Assert.All(counts, c => Assert.True(c > 0));
        Assert.All(destinations, d => Assert.Equal(0, d.InFlight));
    }

    [Fact]
    public void Pick_ManyThreads_SkipDestinationThatTurnsUnhealthyMidway()
    {
        DestinationState[] destinations = Lb.Equal(3);
        DestinationTable table = DestinationTable.Create(new LoadBalancingConfig { Policy = "weighted_round_robin" }, destinations);
        using var downed = new ManualResetEventSlim();
        int pickedWhileDown = 0;

        Run(_ =>
        {
            for (int i = 0; i < PicksPerThread; i++)
            {
                if (i == PicksPerThread / 2)
                {
                    destinations[1].IsHealthy = false;
                    downed.Set();
                }

                bool down = downed.IsSet;
                Assert.True(table.TryPick(TestRouteInput.Empty, out DestinationState? picked));
                if (down && ReferenceEquals(picked, destinations[1]))
                {
                    Interlocked.Increment(ref pickedWhileDown);
                }
            }
        });

        Assert.Equal(0, pickedWhileDown);
    }

    private static int[] PickConcurrently(DestinationTable table, bool hold)
    {
        var counts = new int[table.Destinations.Count];
        Run(thread =>
        {
            var local = new int[counts.Length];
            var request = new TestRouteInput(new IPAddress([10, 0, 0, (byte)thread]));
            for (int i = 0; i < PicksPerThread; i++)
            {
                request.ClientAddress = new IPAddress([10, (byte)thread, (byte)(i >> 8), (byte)i]);
                Assert.True(table.TryPick(request, out DestinationState? picked));
                if (hold)
                {
                    picked.OnRequestStarted();
                    picked.OnRequestCompleted();
                }

                local[Lb.IndexOf(table, picked)]++;
            }

            for (int d = 0; d < local.Length; d++)
            {
                Interlocked.Add(ref counts[d], local[d]);
            }
        });

        return counts;
    }

    private static void Run(Action<int> body)
    {
        using var start = new Barrier(Threads);
        Exception? failure = null;
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int thread = t;
            threads[t] = new Thread(() =>
            {
                try
                {
                    start.SignalAndWait();
                    body(thread);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                }
            });
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.Null(failure);
    }
}
