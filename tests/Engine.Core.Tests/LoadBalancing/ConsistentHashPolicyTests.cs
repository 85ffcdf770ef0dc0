using System.Net;
using Engine.Core.LoadBalancing;

namespace Engine.Core.Tests.LoadBalancing;

public class ConsistentHashPolicyTests
{
    private static readonly LoadBalancingConfig ByClient = new() { Policy = "consistent_hash" };

    [Fact]
    public void Pick_ConsistentHash_SendsSameClientToSameDestination()
    {
        DestinationTable table = Lb.Table("consistent_hash", Lb.Equal(5));

        for (int client = 0; client < 200; client++)
        {
            TestRouteInput request = TestRouteInput.FromClient($"10.1.{client / 250}.{client % 250}");
            DestinationState first = Lb.Pick(table, request);
            Assert.All(Enumerable.Range(0, 5), _ => Assert.Same(first, Lb.Pick(table, request)));
        }
    }

    [Fact]
    public void Pick_ConsistentHash_SpreadsClientsEvenly()
    {
        DestinationTable table = Lb.Table("consistent_hash", Lb.Equal(3));

        Lb.AssertShares(CountKeys(table, 30_000), Lb.Shares(1, 1, 1), tolerance: 0.02);
    }

    [Fact]
    public void Build_Maglev_GivesEachDestinationSlotsByWeight()
    {
        MaglevTable maglev = MaglevTable.Build(Lb.Destinations(4, 2, 1, 1), MaglevTable.DefaultSize);
        var slots = new int[4];

        for (int slot = 0; slot < maglev.Size; slot++)
        {
            slots[maglev[slot]]++;
        }

        Lb.AssertShares(slots, Lb.Shares(4, 2, 1, 1), tolerance: 0.002);
    }

    [Fact]
    public void Pick_ConsistentHash_MovesAboutOneNthOfKeysWhenOneDestinationLeaves()
    {
        const int Count = 10;
        DestinationState[] destinations = Lb.Equal(Count);
        DestinationTable before = Lb.Table("consistent_hash", destinations);
        DestinationTable after = before.WithDestinations(destinations.Where((_, i) => i != 4));

        int keys = 20_000;
        int movedFromRemoved = 0;
        int movedOthers = 0;
        int onRemoved = 0;
        for (int key = 0; key < keys; key++)
        {
            TestRouteInput request = Client(key);
            DestinationState was = Lb.Pick(before, request);
            DestinationState now = Lb.Pick(after, request);
            if (ReferenceEquals(was, destinations[4]))
            {
                onRemoved++;
                movedFromRemoved++;
            }
            else if (!ReferenceEquals(was, now))
            {
                movedOthers++;
            }
        }

        double moved = (movedFromRemoved + movedOthers) / (double)keys;
        Assert.InRange(moved, 0.08, 0.13);
        Assert.InRange(onRemoved / (double)keys, 0.08, 0.12);
        // Maglev trades a little disruption for balance: a few keys of other destinations move too.
        Assert.True(movedOthers < keys * 0.01, $"{movedOthers} keys of remaining destinations moved");
    }

    [Fact]
    public void Build_Maglev_DependsOnlyOnDestinationNamesAndWeights()
    {
        // Pinned: the slot owners come from StableHash of the names, so every process and every
        // proxy replica builds this table; a change here would remap every client on upgrade.
        MaglevTable maglev = MaglevTable.Build(Lb.Destinations(1, 1, 2), 13);
        MaglevTable reordered = MaglevTable.Build(Lb.Destinations(1, 1, 2).Reverse().ToArray(), 13);

        string owners = string.Concat(Enumerable.Range(0, maglev.Size).Select(slot => Lb.Name(maglev[slot])));
        string reorderedOwners = string.Concat(Enumerable.Range(0, reordered.Size).Select(slot => Lb.Name(2 - reordered[slot])));

        Assert.Equal("abcaccbcccaab", owners);
        Assert.Equal(owners, reorderedOwners);
    }

    [Fact]
    public void Pick_ConsistentHash_SendsOnlyUnhealthyDestinationsKeysElsewhere()
    {
        DestinationState[] destinations = Lb.Equal(5);
        DestinationTable table = Lb.Table("consistent_hash", destinations);
        DestinationState[] before = Enumerable.Range(0, 5000).Select(key => Lb.Pick(table, Client(key))).ToArray();

        destinations[2].IsHealthy = false;
        DestinationState[] during = Enumerable.Range(0, 5000).Select(key => Lb.Pick(table, Client(key))).ToArray();

        var standIns = new int[5];
        for (int key = 0; key < before.Length; key++)
        {
            if (ReferenceEquals(before[key], destinations[2]))
            {
                standIns[Lb.IndexOf(table, during[key])]++;
                Assert.Same(during[key], Lb.Pick(table, Client(key)));
            }
            else
            {
                Assert.Same(before[key], during[key]);
            }
        }

        Assert.Equal(0, standIns[2]);
        Assert.All(new[] { 0, 1, 3, 4 }, i => Assert.InRange(standIns[i], standIns.Sum() / 8, standIns.Sum() / 2));
    }

    [Fact]
    public void Pick_ConsistentHash_HashesIpv4MappedAddressAsIpv4()
    {
        DestinationTable table = Lb.Table("consistent_hash", Lb.Equal(50));

        for (int key = 0; key < 100; key++)
        {
            IPAddress v4 = IPAddress.Parse($"192.0.2.{key}");
            Assert.Same(Lb.Pick(table, new TestRouteInput(v4)), Lb.Pick(table, new TestRouteInput(v4.MapToIPv6())));
        }
    }

    [Fact]
    public void Pick_ConsistentHash_KeysOnNamedHeaderCaseInsensitively()
    {
        var config = new LoadBalancingConfig { HashKey = new HashKeyConfig(HashKeySource.Header, "X-User") };
        DestinationTable table = Lb.Table("consistent_hash", Lb.Equal(20), config: config);

        for (int user = 0; user < 100; user++)
        {
            DestinationState first = Lb.Pick(table, new TestRouteInput(IPAddress.Loopback, ("X-User", $"user-{user}")));
            DestinationState second = Lb.Pick(table, new TestRouteInput(IPAddress.IPv6Loopback, ("accept", "*/*"), ("x-user", $" user-{user}\t")));
            Assert.Same(first, second);
        }

        int distinct = Enumerable.Range(0, 100)
            .Select(user => Lb.Pick(table, new TestRouteInput(null, ("X-User", $"user-{user}"))))
            .Distinct()
            .Count();
        Assert.True(distinct > 15, $"100 users landed on {distinct} of 20 destinations");
    }

    [Fact]
    public void Pick_ConsistentHash_KeysOnNamedCookie()
    {
        var config = new LoadBalancingConfig { HashKey = new HashKeyConfig(HashKeySource.Cookie, "session") };
        DestinationTable table = Lb.Table("consistent_hash", Lb.Equal(20), config: config);

        for (int session = 0; session < 100; session++)
        {
            DestinationState first = Lb.Pick(table, TestRouteInput.WithCookie($"session={session}"));
            DestinationState second = Lb.Pick(table, TestRouteInput.WithCookie($"theme=dark; session=\"{session}\"; lang=en"));
            Assert.Same(first, second);
        }
    }

    [Fact]
    public void Pick_ConsistentHash_RotatesRequestsWithoutKey()
    {
        var config = new LoadBalancingConfig { HashKey = new HashKeyConfig(HashKeySource.Header, "X-User") };
        DestinationTable table = Lb.Table("consistent_hash", Lb.Equal(4), config: config);

        int[] counts = Lb.Count(table, 40_000, new TestRouteInput(IPAddress.Loopback, ("X-User", "")));

        Lb.AssertShares(counts, Lb.Shares(1, 1, 1, 1), tolerance: 0.02);
    }

    [Theory]
    [InlineData(65536)]
    [InlineData(1)]
    [InlineData(2)]
    public void Create_ConsistentHash_RejectsTableSizeThatIsNotAPrimeAboveDestinationCount(int size)
    {
        Assert.Throws<ArgumentException>(() => Lb.Table("consistent_hash", Lb.Equal(3), config: ByClient with { MaglevTableSize = size }));
    }

    [Theory]
    [InlineData(HashKeySource.Header, null)]
    [InlineData(HashKeySource.Header, "X User")]
    [InlineData(HashKeySource.Cookie, "")]
    [InlineData(HashKeySource.Cookie, "a;b")]
    public void Create_ConsistentHash_RejectsKeyNameThatIsNotAToken(HashKeySource source, string? name)
    {
        var config = new LoadBalancingConfig { HashKey = new HashKeyConfig(source, name) };

        Assert.Throws<ArgumentException>(() => Lb.Table("consistent_hash", Lb.Equal(3), config: config));
    }

    private static TestRouteInput Client(int key) =>
        new(new IPAddress([10, (byte)(key >> 16), (byte)(key >> 8), (byte)key]));

    private static int[] CountKeys(DestinationTable table, int keys)
    {
        var counts = new int[table.Destinations.Count];
        for (int key = 0; key < keys; key++)
        {
            counts[Lb.IndexOf(table, Lb.Pick(table, Client(key)))]++;
        }

        return counts;
    }
}
