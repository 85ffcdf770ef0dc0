using Engine.Core.Timing;
using Engine.Http.Proxy;
using Engine.Http.Tests.Logging;
using Engine.TestSupport.Net;
using Microsoft.Extensions.Logging;

namespace Engine.Http.Tests.Proxy;

/// <summary>
/// A failing upstream, or one answering garbage, costs a few log lines, not one a request
/// (issue 10): a failing line, summaries, a recovery line. /metrics keeps every failure.
/// </summary>
public sealed class UpstreamFailureLogTests
{
    private static async Task<int[]> GetManyAsync(InMemoryProxy proxy, int count)
    {
        await using InMemoryClient client = proxy.Connect();
        var statuses = new int[count];
        for (int i = 0; i < count; i++)
        {
            await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            statuses[i] = (await client.Reader.ReadResponseAsync())!.Status;
        }
        return statuses;
    }

    private static string[] Lines(InMemoryProxy proxy, string prefix) =>
        [.. proxy.Log.Entries.Where(e => e.StartsWith(prefix, StringComparison.Ordinal))];

    /// <summary>Moves the proxy's clock on; the heartbeat is what the log state reads.</summary>
    private static void Advance(SteppedClock clock, Heartbeat heartbeat, TimeSpan by)
    {
        clock.Advance(by);
        heartbeat.Tick();
    }

    [Fact]
    public async Task RefusedUpstream_AThousandRequests_LogOneWarningAndCountEveryFailure()
    {
        int closedPort = TestTools.FreePort();
        string destination = $"http://127.0.0.1:{closedPort}";
        await using InMemoryProxy proxy = InMemoryProxy.Start([destination]);

        int[] statuses = await GetManyAsync(proxy, 1_000);

        Assert.All(statuses, status => Assert.Equal(502, status));
        Assert.Equal(1_000, proxy.Metrics.UpstreamErrors(UpstreamErrorKind.ConnectRefused));
        Assert.Equal(
            [$"Warning 3: Upstream {destination} is failing: connect_refused; further failures are summarised every 10 s, counts are in engine_upstream_errors_total."],
            Lines(proxy, "Warning 3:"));
        // The real clock may cross one 10 s boundary on a slow machine, never two.
        Assert.InRange(proxy.Log.Entries.Count, 1, 2);
    }

    [Fact]
    public async Task FailingUpstream_OnceTheIntervalPassed_TheNextFailureWritesOneSummary()
    {
        var clock = new SteppedClock();
        using var heartbeat = new Heartbeat(TimeSpan.FromHours(1), clock);
        int closedPort = TestTools.FreePort();
        string destination = $"http://127.0.0.1:{closedPort}";
        await using InMemoryProxy proxy = InMemoryProxy.Start([destination], heartbeat: heartbeat);

        await GetManyAsync(proxy, 5);
        Advance(clock, heartbeat, TimeSpan.FromSeconds(10));
        await GetManyAsync(proxy, 3);

        Assert.Equal(
            [$"Warning 4: Upstream {destination}: 5 more failures in the last 10 s (connect_refused 5)."],
            Lines(proxy, "Warning 4:"));
        Assert.Equal(2, proxy.Log.Entries.Count);
        Assert.Equal(8, proxy.Metrics.UpstreamErrors(UpstreamErrorKind.ConnectRefused));
    }

    [Fact]
    public async Task UpstreamAnsweringAgain_WritesTheLastSummaryAndOneRecoveryLine()
    {
        var clock = new SteppedClock();
        using var heartbeat = new Heartbeat(TimeSpan.FromHours(1), clock);
        bool answering = false;
        await using var origin = new ScriptedOrigin(exchange =>
        {
            if (!Volatile.Read(ref answering))
            {
                exchange.Connection.Reset();
                return Task.CompletedTask;
            }
            return exchange.RespondAsync(200, "ok");
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url], heartbeat: heartbeat, logLevel: LogLevel.Information);

        int[] failed = [.. (await GetManyAsync(proxy, 3)), .. (await GetManyAsync(proxy, 1))];
        Volatile.Write(ref answering, true);
        Advance(clock, heartbeat, TimeSpan.FromSeconds(2));
        int[] answered = await GetManyAsync(proxy, 5);

        Assert.All(failed, status => Assert.Equal(502, status));
        Assert.All(answered, status => Assert.Equal(200, status));
        Assert.Equal(
        [
            $"Warning 3: Upstream {origin.Url} is failing: reset_before_response; further failures are summarised every 10 s, counts are in engine_upstream_errors_total.",
            $"Warning 4: Upstream {origin.Url}: 3 more failures in the last 2 s (reset_before_response 3).",
            $"Information 10: Upstream {origin.Url} recovered after 4 failures over 2.0 s.",
        ], proxy.Log.Entries);
    }

    [Fact]
    public async Task UpstreamFailingEveryOtherRequest_StaysFailingInsteadOfALinePerRequest()
    {
        // The clock stands still: every success comes within the quiet second after a failure.
        var clock = new SteppedClock();
        using var heartbeat = new Heartbeat(TimeSpan.FromHours(1), clock);
        int requests = 0;
        await using var origin = new ScriptedOrigin(exchange =>
        {
            if (Interlocked.Increment(ref requests) % 2 == 1)
            {
                exchange.Connection.Reset();
                return Task.CompletedTask;
            }
            return exchange.RespondAsync(200, "ok");
        });
        // No idle upstream connections: a reset on a reused one would be retried, hiding the failure.
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url], heartbeat: heartbeat, logLevel: LogLevel.Information,
            pool: p => p with { MaxIdleConnections = 0 });

        var statuses = new List<int>();
        for (int i = 0; i < 20; i++)
        {
            // A connection each: the origin's reset must not end a kept-alive one.
            statuses.AddRange(await GetManyAsync(proxy, 1));
        }

        Assert.Equal([.. Enumerable.Repeat(new[] { 502, 200 }, 10).SelectMany(pair => pair)], statuses);
        Assert.Equal(10, proxy.Metrics.UpstreamErrors(UpstreamErrorKind.ResetBeforeResponse));
        Assert.Equal([$"Warning 3: Upstream {origin.Url} is failing: reset_before_response; further failures are summarised every 10 s, counts are in engine_upstream_errors_total."], proxy.Log.Entries);
    }

    [Fact]
    public async Task UpstreamAnsweringGarbage_LogsTheParseErrorOnceAndCountsEveryResponse()
    {
        await using var origin = new ScriptedOrigin(exchange => exchange.Connection.WriteAsync("NOT HTTP AT ALL\r\n\r\n"));
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url]);

        int[] statuses = await GetManyAsync(proxy, 50);

        Assert.All(statuses, status => Assert.Equal(502, status));
        Assert.Equal(50, proxy.Metrics.UpstreamErrors(UpstreamErrorKind.InvalidResponse));
        Assert.Single(Lines(proxy, "Warning 5:"));
        Assert.Single(Lines(proxy, "Warning 3:"));
        Assert.Equal(2, proxy.Log.Entries.Count);
    }
}
