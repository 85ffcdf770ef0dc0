using System.Buffers;
using Engine.Http.Http1;
using Engine.TestSupport;

namespace Engine.Fuzz.Http1;

/// <summary>
/// Fuzzes <see cref="ChunkedDecoder"/>: one segment with every byte present is the reference;
/// one byte per segment arriving byte by byte, and random segments arriving in random steps,
/// must produce the same data, trailers, end and consumed count.
/// </summary>
internal sealed class ChunkedBodyTarget : IFuzzTarget
{
    private const int BytePerSegmentUpTo = 512;

    public string Name => "chunked";

    public IEnumerable<byte[]> Seeds => SeedCorpus.ChunkedBodies;

    public void Run(ReadOnlySpan<byte> input)
    {
        uint hash = FuzzLimits.Hash(input);
        HttpParserLimits limits = FuzzLimits.For(hash);
        byte[] body = input.ToArray();
        ChunkedOutcome expected = ChunkedOracle.DecodeOneShot(body, limits);

        var random = new Random((int)hash);
        ReadOnlySequence<byte> segments = SegmentedSequence.RandomSlices(body, random, 8);
        Compare(expected, ChunkedOracle.Decode(segments, FuzzLimits.Cuts(body.Length, random, 12), limits), "random segments");
        if (body.Length <= BytePerSegmentUpTo)
        {
            ReadOnlySequence<byte> bytes = SegmentedSequence.BytePerSegment(body);
            Compare(expected, ChunkedOracle.Decode(bytes, FuzzLimits.EveryByte(body.Length), limits), "one byte per segment");
        }
    }

    private static void Compare(ChunkedOutcome expected, ChunkedOutcome actual, string how)
    {
        if (expected.Difference(actual) is { } difference)
        {
            throw new FuzzFindingException($"Decoded with {how}, the chunked body differs from one shot: {difference}.");
        }
    }
}
