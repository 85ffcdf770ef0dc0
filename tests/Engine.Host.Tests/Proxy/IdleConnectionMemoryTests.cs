using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Engine.TestSupport.Net;
using Xunit.Abstractions;

namespace Engine.Host.Tests.Proxy;

/// <summary>
/// What an idle keep-alive client connection costs the engine: the engine runs as its own
/// process (so only its memory counts), 10,000 clients each make one request and then sit idle,
/// and the growth of the engine's resident set (VmRSS from /proc) is divided by 10,000. Kernel
/// socket buffers are not in RSS; everything the engine allocates per connection is.
/// </summary>
[Collection(nameof(NonParallelCollection))]
public sealed class IdleConnectionMemoryTests(ITestOutputHelper output)
{
    private const int Connections = 10_000;
    private static readonly byte[] s_request = "GET / HTTP/1.1\r\nHost: idle.example\r\n\r\n"u8.ToArray();

    [Fact]
    public async Task TenThousandIdleKeepAliveConnections_CostUnder5KiBEach()
    {
        await using var origin = ScriptedOrigin.Fixed("ok");
        int port = TestTools.FreePort();
        string engineDll = Path.Combine(AppContext.BaseDirectory, "engine.dll");
        using var engine = Process.Start(new ProcessStartInfo("dotnet", $"exec {engineDll} proxy --listen 127.0.0.1:{port} --to {origin.Url} --log-level warning")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var clients = new List<Socket>(Connections + 1000);
        try
        {
            var endPoint = new IPEndPoint(IPAddress.Loopback, port);
            TestTools.WaitForListener(endPoint, TimeSpan.FromSeconds(20));

            // Warm-up: JIT, pools and pipes reach their working size before the baseline.
            await OpenIdleConnectionsAsync(endPoint, 1000, clients);
            await Task.Delay(500);
            long before = ResidentBytes(engine.Id);

            await OpenIdleConnectionsAsync(endPoint, Connections, clients);
            await Task.Delay(1000);
            long after = ResidentBytes(engine.Id);

            double perConnection = (after - before) / (double)Connections;
            output.WriteLine($"engine RSS {before / 1024} KiB -> {after / 1024} KiB with {Connections} more idle connections: {perConnection / 1024:F2} KiB each");
            Assert.True(perConnection < 5 * 1024, $"{perConnection / 1024:F2} KiB per idle connection");
        }
        finally
        {
            foreach (Socket client in clients)
            {
                client.Dispose();
            }
            engine.Kill();
            await engine.WaitForExitAsync();
        }
    }

    private static async Task OpenIdleConnectionsAsync(IPEndPoint endPoint, int count, List<Socket> clients)
    {
        byte[] buffer = new byte[1024];
        for (int i = 0; i < count; i++)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            clients.Add(client);
            await client.ConnectAsync(endPoint);
            await client.SendAsync(s_request);
            // One small response: read until its 2-byte body has arrived.
            int received = 0;
            while (!Encoding.ASCII.GetString(buffer, 0, received).EndsWith("\r\n\r\nok", StringComparison.Ordinal))
            {
                int read = await client.ReceiveAsync(buffer.AsMemory(received));
                Assert.True(read > 0, "the engine closed a keep-alive connection");
                received += read;
            }
        }
    }

    private static long ResidentBytes(int pid)
    {
        string line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
