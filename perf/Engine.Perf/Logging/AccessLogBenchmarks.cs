using BenchmarkDotNet.Attributes;
using Engine.Core.Configuration;
using Engine.Http.Logging;

namespace Engine.Perf.Logging;

/// <summary>
/// The request path's share of access logging: formatting a typical proxied request alone
/// (baseline), and <see cref="AccessLogWriter.Write"/> (reserve, format into a pooled buffer,
/// queue, maybe wake) in each format. The sink is <see cref="Stream.Null"/>, so the writer thread
/// costs a copy per line and keeps up; lines it could not take would show in the cleanup output.
/// </summary>
[MemoryDiagnoser]
public class AccessLogBenchmarks
{
    private const int Lines = 1000;

    private static readonly byte[] s_target = "/api/v1/orders/8f3c2a?include=items&page=2"u8.ToArray();

    private readonly byte[] _line = new byte[AccessLogWriter.LineBufferSize];
    private AccessLogWriter _json = null!;
    private AccessLogWriter _common = null!;

    [GlobalSetup]
    public void Setup()
    {
        _json = new AccessLogWriter(new AccessLogConfig { Format = "json", BufferSize = 1 << 16 }, () => Stream.Null);
        _common = new AccessLogWriter(new AccessLogConfig { Format = "common", BufferSize = 1 << 16 }, () => Stream.Null);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (AccessLogWriter writer in new[] { _json, _common })
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Console.WriteLine($"// {writer.Format}: {writer.WrittenLines} written, {writer.DroppedLines} dropped");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Lines)]
    public int FormatJson()
    {
        int total = 0;
        for (int i = 0; i < Lines; i++)
        {
            AccessLogFormatter.TryFormat(Record(), AccessLogFormat.Json, _line, out int written);
            total += written;
        }
        return total;
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public int FormatCommon()
    {
        int total = 0;
        for (int i = 0; i < Lines; i++)
        {
            AccessLogFormatter.TryFormat(Record(), AccessLogFormat.Common, _line, out int written);
            total += written;
        }
        return total;
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public void WriteJson()
    {
        for (int i = 0; i < Lines; i++)
        {
            _json.Write(Record());
        }
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public void WriteCommon()
    {
        for (int i = 0; i < Lines; i++)
        {
            _common.Write(Record());
        }
    }

    private static AccessLogRecord Record() => new()
    {
        Time = new DateTimeOffset(2025, 3, 14, 9, 26, 53, 589, TimeSpan.Zero),
        ClientAddress = "203.0.113.42"u8,
        Method = "GET"u8,
        Host = "shop.example.com"u8,
        Target = s_target,
        Protocol = "HTTP/1.1"u8,
        Status = 200,
        BytesIn = 412,
        BytesOut = 18_734,
        Duration = TimeSpan.FromTicks(23_456),
        Entrypoint = "websecure",
        Router = "orders-api",
        Service = "orders",
        UpstreamAddress = "http://10.0.3.17:8080",
        UpstreamStatus = 200,
    };
}
