using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Engine.TestSupport.Net;
using Xunit;
using Xunit.Abstractions;

namespace Engine.Host.Tests.Transport;

/// <summary>
/// The engine process run with 256 file descriptors (about 105 go to the runtime and the
/// listeners) and flooded with idle clients until it has none left: it pauses accepting instead
/// of spinning a core, logs that once, keeps serving the connections it has, answers 503 when it
/// cannot open a socket upstream, and accepts again as soon as descriptors free.
/// </summary>
public sealed class FileDescriptorExhaustionTests(ITestOutputHelper output, Aot.AotBinaryFixture aot) : IClassFixture<Aot.AotBinaryFixture>
{
    private const int OpenFileLimit = 256;
    // More than the limit: the engine runs out whatever the runtime holds; the rest wait in the backlog.
    private const int IdleClients = 300;
    private const string OutOfDescriptorsWarning = "out of file descriptors";
    // The engine tops out a descriptor or two below the limit (255 of 256 when measured): the
    // runtime keeps one for itself at times. Within this many of the limit counts as exhausted.
    private const int ExhaustedSlack = 4;

    [PrlimitFact]
    public async Task OutOfDescriptors_PausesAcceptsWithoutSpinning_LogsOnce_AndAcceptsWithinASecondOnceClientsLeave()
    {
        await using var origin = ScriptedOrigin.Fixed("a");
        await using var engine = await StartEngineAsync(origin);
        Assert.Equal(200, await RequestAsync(engine.Port, TimeSpan.FromSeconds(10)));

        List<Socket> idle = await ExhaustAsync(engine);
        TimeSpan cpuBefore = engine.Process.CpuTime;
        await Task.Delay(TimeSpan.FromSeconds(2));
        TimeSpan cpuDuringExhaustion = engine.Process.CpuTime - cpuBefore;
        Assert.True(engine.Process.OpenDescriptors >= OpenFileLimit - ExhaustedSlack);

        var recovery = Stopwatch.StartNew();
        CloseAll(idle);
        int status = await RequestAsync(engine.Port, TimeSpan.FromSeconds(5));
        TimeSpan recoveredAfter = recovery.Elapsed;
        // The clients that left while waiting in the backlog (CLOSE-WAIT) are accepted, read EOF and closed.
        await WaitUntilAsync(() => engine.Process.OpenDescriptors < engine.BaselineDescriptors + 10, TimeSpan.FromSeconds(5));
        string metrics = await ScrapeAsync(engine.AdminPort);
        string log = await engine.Process.StopAndReadOutputAsync();
        output.WriteLine($"CPU while out of descriptors: {cpuDuringExhaustion.TotalSeconds:0.00} s in 2 s; request served {recoveredAfter.TotalMilliseconds:0} ms after the idle clients left.");

        Assert.True(cpuDuringExhaustion < TimeSpan.FromSeconds(0.3), $"the engine used {cpuDuringExhaustion.TotalSeconds:0.00} s of CPU in 2 s out of descriptors.");
        Assert.Equal(200, status);
        Assert.True(recoveredAfter < TimeSpan.FromSeconds(1), $"a request took {recoveredAfter.TotalMilliseconds:0} ms to be served after the idle clients left.");
        Assert.Equal(1, CountOccurrences(log, OutOfDescriptorsWarning));
        Assert.Contains("Entrypoint web: accepting again after", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", log, StringComparison.Ordinal);
        Assert.True(AcceptErrors(metrics, "file_descriptors") > 0, metrics);
    }

    [PrlimitFact]
    public async Task OutOfDescriptors_AnExistingClientGets503ForANewUpstreamConnection_CountedAsSocketLimit_NotAnUnhandledException()
    {
        // "Connection: close" keeps the engine's upstream pool empty: every request needs a new socket.
        await using var origin = new ScriptedOrigin(exchange => exchange.RespondAsync(200, "a", "Connection: close\r\n"));
        await using var engine = await StartEngineAsync(origin);
        Assert.Equal(200, await RequestAsync(engine.Port, TimeSpan.FromSeconds(10)));
        using Socket existing = await ConnectAsync(engine.Port);
        await WaitUntilAsync(() => engine.Process.OpenDescriptors > engine.BaselineDescriptors, TimeSpan.FromSeconds(5));

        List<Socket> idle = await ExhaustAsync(engine);
        int status = await SendRequestAsync(existing, TimeSpan.FromSeconds(5));
        CloseAll(idle);
        int afterRecovery = await RequestAsync(engine.Port, TimeSpan.FromSeconds(5));
        string metrics = await ScrapeAsync(engine.AdminPort);
        string log = await engine.Process.StopAndReadOutputAsync();

        Assert.Equal(503, status);
        Assert.Equal(200, afterRecovery);
        Assert.Contains("is failing: socket_limit", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", log, StringComparison.Ordinal);
        Assert.Contains("engine_upstream_errors_total{kind=\"socket_limit\"} 1", metrics, StringComparison.Ordinal);
    }

    private sealed class RunningEngine(EngineProcess process, int port, int adminPort, string directory) : IAsyncDisposable
    {
        public EngineProcess Process { get; } = process;
        public int Port { get; } = port;
        public int AdminPort { get; } = adminPort;
        public int BaselineDescriptors { get; set; }

        public async ValueTask DisposeAsync()
        {
            await Process.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<RunningEngine> StartEngineAsync(ScriptedOrigin origin)
    {
        int port = TestTools.FreePort();
        int adminPort = TestTools.FreePort();
        string directory = Directory.CreateTempSubdirectory("engine-emfile-").FullName;
        string path = Path.Combine(directory, "gateway.toml");
        File.WriteAllText(path, EngineProcess.SingleOriginConfig(port, origin.Url, adminPort));
        var engine = new RunningEngine(EngineProcess.StartWithOpenFileLimit(aot.BinaryPath, $"run --config {path}", OpenFileLimit), port, adminPort, directory);
        TestTools.WaitForListener(new IPEndPoint(IPAddress.Loopback, adminPort), TimeSpan.FromSeconds(20));
        // Warm the scrape path too: under the limit, loading code later could need a descriptor.
        await ScrapeAsync(adminPort);
        await Task.Delay(200);
        engine.BaselineDescriptors = engine.Process.OpenDescriptors;
        return engine;
    }

    /// <summary>Opens idle clients until the engine holds every descriptor it may, then waits a moment into the pause.</summary>
    private static async Task<List<Socket>> ExhaustAsync(RunningEngine engine)
    {
        var idle = new List<Socket>(IdleClients);
        for (int i = 0; i < IdleClients; i++)
        {
            idle.Add(await ConnectAsync(engine.Port));
        }
        await WaitUntilAsync(() => engine.Process.OpenDescriptors >= OpenFileLimit - ExhaustedSlack, TimeSpan.FromSeconds(5));
        await Task.Delay(300);
        return idle;
    }

    private static void CloseAll(List<Socket> sockets)
    {
        foreach (Socket socket in sockets)
        {
            socket.Dispose();
        }
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
        return socket;
    }

    /// <summary>One request on a new connection; the response's status code.</summary>
    private static async Task<int> RequestAsync(int port, TimeSpan timeout)
    {
        using Socket socket = await ConnectAsync(port);
        return await SendRequestAsync(socket, timeout);
    }

    private static async Task<int> SendRequestAsync(Socket socket, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"), cancel.Token);
        var response = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, cancel.Token)) > 0)
        {
            response.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        string text = response.ToString();
        Assert.StartsWith("HTTP/1.1 ", text, StringComparison.Ordinal);
        return int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> ScrapeAsync(int adminPort)
    {
        (int exitCode, string body, string error) = await TestTools.CurlAsync($"http://127.0.0.1:{adminPort}/metrics", maxSeconds: 10);
        Assert.True(exitCode == 0, error);
        return body;
    }

    private static long AcceptErrors(string metrics, string reason)
    {
        string prefix = $"engine_accept_errors_total{{entrypoint=\"web\",reason=\"{reason}\"}} ";
        string line = metrics.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return long.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < timeout, $"condition not met within {timeout.TotalSeconds} s.");
            await Task.Delay(20);
        }
    }
}
