using BenchmarkDotNet.Attributes;
using Engine.Http;
using Engine.Http.Http1;
using Engine.TestSupport;
using HttpMethod = Engine.Http.HttpMethod;

namespace Engine.Perf.Http1;

/// <summary>Response head parsing: an nginx 200 with 9 fields (baseline) and a chunked JSON head.</summary>
[MemoryDiagnoser]
public class ResponseParserBenchmark
{
    private const int InnerLoop = 100;

    private readonly HttpResponseHead _head = new();
    private readonly byte[] _nginx = Http1Samples.NginxResponse;
    private readonly byte[] _chunked = Http1Samples.ChunkedResponse;

    [Benchmark(Baseline = true, OperationsPerInvoke = InnerLoop)]
    public int NginxResponse() => ParseRepeatedly(_nginx);

    [Benchmark(OperationsPerInvoke = InnerLoop)]
    public int ChunkedResponse() => ParseRepeatedly(_chunked);

    private int ParseRepeatedly(byte[] response)
    {
        int total = 0;
        for (int i = 0; i < InnerLoop; i++)
        {
            _head.Reset();
            Http1Parser.TryParseResponse(response, _head, HttpMethod.Get, HttpParserLimits.Default);
            total += (int)_head.Framing;
        }
        return total;
    }
}
