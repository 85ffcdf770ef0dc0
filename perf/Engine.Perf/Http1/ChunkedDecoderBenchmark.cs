using System.Buffers;
using BenchmarkDotNet.Attributes;
using Engine.Http.Http1;
using Engine.TestSupport;

namespace Engine.Perf.Http1;

/// <summary>
/// Decoding a 64 KiB chunked body: in one segment (baseline), and over 4 KiB segments as the
/// pinned block pool hands them out. Chunks are 8 KiB, as application servers usually write.
/// </summary>
[MemoryDiagnoser]
public class ChunkedDecoderBenchmark
{
    private ReadOnlySequence<byte> _single;
    private ReadOnlySequence<byte> _blocks;

    [GlobalSetup]
    public void Setup()
    {
        byte[] body = Http1Samples.ChunkedBody(Http1Samples.Payload(64 * 1024), 8192, trailers: "X-Checksum: 1f2e\r\n");
        _single = new ReadOnlySequence<byte>(body);
        _blocks = SegmentedSequence.Split(body, (body.Length + 4095) / 4096);
    }

    [Benchmark(Baseline = true)]
    public long Decode64KiBSingleSegment() => Drain(_single);

    [Benchmark]
    public long Decode64KiBIn4KiBSegments() => Drain(_blocks);

    private static long Drain(ReadOnlySequence<byte> body)
    {
        var reader = new SequenceReader<byte>(body);
        var decoder = new ChunkedDecoder();
        long total = 0;
        ChunkedStatus status;
        while ((status = decoder.Read(ref reader, HttpParserLimits.Default, out ReadOnlySequence<byte> data)) == ChunkedStatus.Data)
        {
            total += data.Length;
        }
        return status == ChunkedStatus.Completed ? total : -1;
    }
}
