using BenchmarkDotNet.Attributes;
using Engine.Http;
using Engine.Http.Http1;
using Engine.TestSupport;

namespace Engine.Perf.Http1;

/// <summary>
/// Request head parsing over captured requests (Kestrel's HttpParserBenchmark shape): each
/// invocation parses <see cref="InnerLoop"/> heads into one reused head, so the figures are per
/// head. The curl GET is the baseline; the pipelined batch is 16 heads per loop turn.
/// </summary>
[MemoryDiagnoser]
public class RequestParserBenchmark
{
    private const int InnerLoop = 100;

    private readonly HttpRequestHead _head = new();
    private readonly byte[] _curl = Http1Samples.CurlGet;
    private readonly byte[] _browser = Http1Samples.BrowserGet;
    private readonly byte[] _pipelined = Http1Samples.PlaintextPipelined;

    [Benchmark(Baseline = true, OperationsPerInvoke = InnerLoop)]
    public int CurlGet() => ParseRepeatedly(_curl);

    [Benchmark(OperationsPerInvoke = InnerLoop)]
    public int BrowserGet() => ParseRepeatedly(_browser);

    [Benchmark(OperationsPerInvoke = InnerLoop * Http1Samples.PlaintextPipelineDepth)]
    public int PlaintextPipelined()
    {
        int total = 0;
        for (int i = 0; i < InnerLoop; i++)
        {
            ReadOnlySpan<byte> batch = _pipelined;
            while (!batch.IsEmpty)
            {
                _head.Reset();
                Http1Parser.TryParseRequest(batch, _head, HttpParserLimits.Default);
                batch = batch.Slice(_head.HeadLength);
                total += _head.HeaderCount;
            }
        }
        return total;
    }

    private int ParseRepeatedly(byte[] request)
    {
        int total = 0;
        for (int i = 0; i < InnerLoop; i++)
        {
            _head.Reset();
            Http1Parser.TryParseRequest(request, _head, HttpParserLimits.Default);
            total += _head.HeaderCount;
        }
        return total;
    }
}
