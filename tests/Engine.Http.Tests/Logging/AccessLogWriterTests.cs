using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Engine.Http.Logging;
using Xunit.Abstractions;

namespace Engine.Http.Tests.Logging;

public sealed class AccessLogWriterTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("engine-accesslog-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Write_UnderCapacity_EveryLineReachesTheFile()
    {
        const int Lines = 20_000;
        string path = Path.Combine(_directory, "access.log");
        await using (var writer = new AccessLogWriter(AccessLogSamples.Config(Lines, path: path)))
        {
            for (int i = 0; i < Lines; i++)
            {
                writer.Write(AccessLogSamples.Proxied(Encoding.ASCII.GetBytes($"/item/{i}")));
            }
            await writer.DisposeAsync();
            Assert.Equal(Lines, writer.WrittenLines);
            Assert.Equal(0, writer.DroppedLines);
        }

        string[] lines = File.ReadAllLines(path);
        Assert.Equal(Lines, lines.Length);
        for (int i = 0; i < Lines; i++)
        {
            using JsonDocument parsed = JsonDocument.Parse(lines[i]);
            Assert.Equal($"/item/{i}", parsed.RootElement.GetProperty("path").GetString());
        }
    }

    [Fact]
    public async Task Write_CommonFormat_WritesNcsaLines()
    {
        var sink = new GatedSink();
        await using (var writer = new AccessLogWriter(AccessLogSamples.Config(16, format: "common"), () => sink))
        {
            writer.Write(AccessLogSamples.Proxied("/a?b=1"u8));
        }

        Assert.Equal(AccessLogSamples.ExpectedCommon, Encoding.UTF8.GetString(sink.Received()));
    }

    [Fact]
    public async Task Write_QueueFullWhileSinkIsBlocked_DropsAndCountsWithoutBlocking()
    {
        var sink = new GatedSink(open: false);
        var writer = new AccessLogWriter(AccessLogSamples.Config(10), () => sink);

        // The first line is taken off the queue and the writer thread blocks writing it.
        writer.Write(AccessLogSamples.Proxied("/0"u8));
        Assert.True(sink.Entered.Wait(TimeSpan.FromSeconds(10)), "the writer thread never reached the sink");

        var stopwatch = Stopwatch.StartNew();
        for (int i = 1; i <= 15; i++)
        {
            writer.Write(AccessLogSamples.Proxied(Encoding.ASCII.GetBytes($"/{i}")));
        }
        stopwatch.Stop();

        Assert.Equal(5, writer.DroppedLines);
        Assert.Equal(10, writer.QueuedLines);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"Write blocked for {stopwatch.Elapsed}");

        sink.Open();
        await writer.DisposeAsync();
        string[] lines = AccessLogSamples.Lines(sink.Received());
        Assert.Equal(11, lines.Length);
        Assert.Equal(11, writer.WrittenLines);
        Assert.Equal(5, writer.DroppedLines);
        Assert.Contains("\"path\":\"/10\"", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopen_AfterTheFileWasMoved_LaterLinesLandInANewFileAtTheOriginalPath()
    {
        string path = Path.Combine(_directory, "access.log");
        string rotated = path + ".1";
        await using var writer = new AccessLogWriter(AccessLogSamples.Config(64, path: path));
        for (int i = 0; i < 3; i++)
        {
            writer.Write(AccessLogSamples.Proxied("/before"u8));
        }
        await WaitUntil(() => writer.WrittenLines == 3);

        // logrotate: rename, then signal. Until Reopen the writer keeps the moved file open.
        File.Move(path, rotated);
        writer.Reopen();
        writer.Write(AccessLogSamples.Proxied("/after"u8));
        writer.Write(AccessLogSamples.Proxied("/after"u8));
        await writer.DisposeAsync();

        string[] old = File.ReadAllLines(rotated);
        string[] current = File.ReadAllLines(path);
        Assert.Equal(3, old.Length);
        Assert.All(old, line => Assert.Contains("\"path\":\"/before\"", line, StringComparison.Ordinal));
        Assert.Equal(2, current.Length);
        Assert.All(current, line => Assert.Contains("\"path\":\"/after\"", line, StringComparison.Ordinal));
        Assert.Equal(0, writer.WriteErrors);
    }

    [Fact]
    public async Task Write_FourThreadsAtOnce_EveryLineArrivesWhole()
    {
        const int Threads = 4;
        const int PerThread = 10_000;
        var sink = new GatedSink();
        var writer = new AccessLogWriter(AccessLogSamples.Config(Threads * PerThread), () => sink);

        using var start = new Barrier(Threads);
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int thread = t;
            threads[t] = new Thread(() =>
            {
                byte[][] targets = Enumerable.Range(0, PerThread).Select(i => Encoding.ASCII.GetBytes($"/t{thread}/{i}")).ToArray();
                start.SignalAndWait();
                foreach (byte[] target in targets)
                {
                    writer.Write(AccessLogSamples.Proxied(target));
                }
            });
            threads[t].Start();
        }
        foreach (Thread thread in threads)
        {
            thread.Join();
        }
        await writer.DisposeAsync();

        string[] lines = AccessLogSamples.Lines(sink.Received());
        Assert.Equal(Threads * PerThread, lines.Length);
        Assert.Equal(Threads * PerThread, writer.WrittenLines);
        Assert.Equal(0, writer.DroppedLines);
        var paths = new HashSet<string>();
        foreach (string line in lines)
        {
            using JsonDocument parsed = JsonDocument.Parse(line);
            Assert.True(paths.Add(parsed.RootElement.GetProperty("path").GetString()!));
        }
        for (int t = 0; t < Threads; t++)
        {
            for (int i = 0; i < PerThread; i++)
            {
                Assert.Contains($"/t{t}/{i}", paths);
            }
        }
    }

    [Fact]
    public async Task Write_LinesLongerThanABufferAndABatch_ArriveWhole()
    {
        // 3 KiB of plain path outgrows the 1 KiB pooled buffer; 40 KiB of control bytes escape
        // to 240 KiB, more than a 64 KiB batch, and go to the sink on their own.
        byte[] longPath = [.. "/"u8, .. Enumerable.Repeat((byte)'x', 3 * 1024)];
        byte[] hugePath = [.. "/"u8, .. Enumerable.Repeat((byte)0x01, 40 * 1024)];
        var sink = new GatedSink();
        await using (var writer = new AccessLogWriter(AccessLogSamples.Config(16), () => sink))
        {
            writer.Write(AccessLogSamples.Proxied("/short"u8));
            writer.Write(AccessLogSamples.Proxied(longPath));
            writer.Write(AccessLogSamples.Proxied(hugePath));
            writer.Write(AccessLogSamples.Proxied("/short"u8));
        }

        string[] lines = AccessLogSamples.Lines(sink.Received());
        Assert.Equal(4, lines.Length);
        using JsonDocument huge = JsonDocument.Parse(lines[2]);
        Assert.Equal(Encoding.ASCII.GetString(hugePath), huge.RootElement.GetProperty("path").GetString());
        using JsonDocument longLine = JsonDocument.Parse(lines[1]);
        Assert.Equal(Encoding.ASCII.GetString(longPath), longLine.RootElement.GetProperty("path").GetString());
    }

    [Fact]
    public async Task DisposeAsync_SinkStuckPastTheDrainTimeout_ReturnsAndLaterWritesAreDropped()
    {
        var sink = new GatedSink(open: false);
        var writer = new AccessLogWriter(AccessLogSamples.Config(16), () => sink) { DrainTimeout = TimeSpan.FromMilliseconds(200) };
        writer.Write(AccessLogSamples.Proxied("/stuck"u8));
        Assert.True(sink.Entered.Wait(TimeSpan.FromSeconds(10)));
        writer.Write(AccessLogSamples.Proxied("/queued"u8));

        await writer.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, writer.QueuedLines);
        writer.Write(AccessLogSamples.Proxied("/after-dispose"u8));
        Assert.Equal(1, writer.DroppedLines);

        // The stuck thread finishes what it holds once the sink moves again.
        sink.Open();
        await WaitUntil(() => writer.WrittenLines == 2);
        Assert.Equal(2, AccessLogSamples.Lines(sink.Received()).Length);
    }

    /// <summary>
    /// The request path's promise: after warm-up, Write allocates nothing on the calling thread.
    /// GC.GetAllocatedBytesForCurrentThread sees only this thread; the writer thread allocates
    /// nothing per line either (it copies into one batch array), but is not measured here.
    /// </summary>
    [Fact]
    public async Task Write_SteadyState_AllocatesNothingOnTheCallingThread()
    {
        const int Lines = 10_000;
        var sink = new GatedSink(open: false);
        await using var writer = new AccessLogWriter(AccessLogSamples.Config(Lines), () => sink);

        // Warm-up with the sink held shut: all lines wait at once, so the pool ends up holding a
        // buffer for every line the measured loop can queue, whatever the writer thread's pace.
        for (int i = 0; i < Lines; i++)
        {
            writer.Write(AccessLogSamples.Proxied("/warm-up?q=1"u8));
        }
        sink.Open();
        await WaitUntil(() => writer.WrittenLines + writer.DroppedLines == Lines && writer.QueuedLines == 0);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Lines; i++)
        {
            writer.Write(AccessLogSamples.Proxied("/measured?q=1"u8));
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{Lines} writes allocated {allocated} bytes on the calling thread.");

        Assert.True(allocated < 1024, $"{Lines} writes allocated {allocated} bytes on the calling thread");
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "condition not reached in 10 s");
            await Task.Delay(5);
        }
    }
}
