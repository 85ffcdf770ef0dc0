using System.Buffers;
using System.Text;
using Engine.Fuzz.Http1;
using Engine.Http.Http1;
using Engine.TestSupport;

namespace Engine.Http.Tests.Http1;

public class ChunkedDecoderTests
{
    [Theory]
    [MemberData(nameof(HttpParsingData.ValidChunkedBodies), MemberType = typeof(HttpParsingData))]
    public void Read_ValidBodyInOneSegment_YieldsDataAndTrailers(string name, string raw, string data, string trailers)
    {
        byte[] bytes = Http1Samples.Ascii(raw + "NEXT");
        ChunkedOutcome outcome = ChunkedOracle.DecodeOneShot(bytes, HttpParserLimits.Default);

        Assert.True(outcome.Kind == OutcomeKind.Complete, $"{name}: {outcome.Kind} {outcome.Reason}");
        Assert.Equal(data, Encoding.Latin1.GetString(outcome.Data));
        Assert.Equal(trailers, Encoding.Latin1.GetString(outcome.Trailers));
        Assert.Equal(raw.Length, outcome.Consumed);
    }

    [Theory]
    [MemberData(nameof(HttpParsingData.ValidChunkedBodies), MemberType = typeof(HttpParsingData))]
    public void Read_ValidBodyOneBytePerSegmentAndRandomSegments_EqualsOneShot(string name, string raw, string data, string trailers)
    {
        _ = (data, trailers);
        byte[] bytes = Http1Samples.Ascii(raw);
        ChunkedOutcome expected = ChunkedOracle.DecodeOneShot(bytes, HttpParserLimits.Default);

        ChunkedOutcome actual = ChunkedOracle.Decode(SegmentedSequence.BytePerSegment(bytes), FuzzLimits.EveryByte(bytes.Length), HttpParserLimits.Default);
        Assert.True(expected.Difference(actual) is null, $"{name}, byte per segment: {expected.Difference(actual)}");

        var random = new Random(name.Length);
        for (int round = 0; round < 50; round++)
        {
            ReadOnlySequence<byte> segments = SegmentedSequence.Random(bytes, random, 1 + (round % 6));
            ChunkedOutcome segmented = ChunkedOracle.Decode(segments, FuzzLimits.Cuts(bytes.Length, random, 1 + (round % 9)), HttpParserLimits.Default);
            Assert.True(expected.Difference(segmented) is null, $"{name}, round {round}: {expected.Difference(segmented)}");
        }
    }

    [Fact]
    public void Read_64KiBBodyInRandomSegmentations_EqualsOneShot()
    {
        byte[] payload = Http1Samples.Payload(64 * 1024);
        byte[] body = Http1Samples.ChunkedBody(payload, 4000, extension: ";x=\"y\"", trailers: "X-Checksum: abc\r\n");
        ChunkedOutcome expected = ChunkedOracle.DecodeOneShot(body, HttpParserLimits.Default);
        Assert.Equal(payload, expected.Data);
        Assert.Equal(body.Length, expected.Consumed);

        var random = new Random(1234);
        for (int round = 0; round < 20; round++)
        {
            int maxSegment = round % 2 == 0 ? 7 : 3000;
            ReadOnlySequence<byte> segments = SegmentedSequence.Random(body, random, maxSegment);
            ChunkedOutcome actual = ChunkedOracle.Decode(segments, FuzzLimits.Cuts(body.Length, random, maxSegment * 3), HttpParserLimits.Default);
            Assert.Null(expected.Difference(actual));
        }
        ChunkedOutcome bytePerSegment = ChunkedOracle.Decode(SegmentedSequence.BytePerSegment(body), FuzzLimits.EveryByte(body.Length), HttpParserLimits.Default);
        Assert.Null(expected.Difference(bytePerSegment));
    }

    [Theory]
    [MemberData(nameof(HttpParsingData.InvalidChunkedBodies), MemberType = typeof(HttpParsingData))]
    public void Read_InvalidBody_RejectsWithExactReason(string name, string raw, RequestRejectionReason reason)
    {
        byte[] bytes = Http1Samples.Ascii(raw);

        ChunkedOutcome oneShot = ChunkedOracle.DecodeOneShot(bytes, HttpParserLimits.Default);
        ChunkedOutcome bytePerSegment = ChunkedOracle.Decode(SegmentedSequence.BytePerSegment(bytes), FuzzLimits.EveryByte(bytes.Length), HttpParserLimits.Default);

        Assert.True(oneShot.Kind == OutcomeKind.Rejected && oneShot.Reason == reason, $"{name}: expected {reason}, got {oneShot.Kind} {oneShot.Reason}");
        Assert.Equal(oneShot.Reason, bytePerSegment.Reason);
        Assert.Equal(400, new HttpParseException(reason, 0).StatusCode);
    }

    [Theory]
    [InlineData("5", 0)]
    [InlineData("5;ext=\"par", 0)]
    [InlineData("5\r", 0)]
    [InlineData("5\r\nhel", 6)]
    [InlineData("5\r\nhello\r", 8)]
    [InlineData("5\r\nhello\r\n0\r\nX-Sum: 1\r\n", 13)]
    [InlineData("5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r", 13)]
    public void Read_IncompleteFraming_IsLeftInTheReader(string raw, int consumed)
    {
        byte[] bytes = Http1Samples.Ascii(raw);
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        var decoder = new ChunkedDecoder();

        ChunkedStatus status;
        while ((status = decoder.Read(ref reader, HttpParserLimits.Default, out _)) == ChunkedStatus.Data)
        {
        }

        Assert.Equal(ChunkedStatus.NeedMoreData, status);
        Assert.Equal(consumed, reader.Consumed);
        Assert.Equal(consumed, decoder.Consumed);
    }

    [Fact]
    public void Read_AfterCompleted_KeepsReportingCompletedWithoutConsuming()
    {
        byte[] bytes = Http1Samples.Ascii("0\r\n\r\nGET / HTTP/1.1\r\n");
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        var decoder = new ChunkedDecoder();

        Assert.Equal(ChunkedStatus.Completed, decoder.Read(ref reader, HttpParserLimits.Default, out ReadOnlySequence<byte> trailers));
        Assert.True(trailers.IsEmpty);
        Assert.Equal(5, reader.Consumed);
        Assert.Equal(ChunkedStatus.Completed, decoder.Read(ref reader, HttpParserLimits.Default, out _));
        Assert.Equal(5, reader.Consumed);

        decoder.Reset();
        Assert.Equal(0, decoder.Consumed);
    }

    [Fact]
    public void Read_TightLimits_RejectLongExtensionAndTrailers()
    {
        var limits = new HttpParserLimits { MaxChunkExtensionSize = 4, MaxTrailerSize = 16 };

        Assert.Equal(OutcomeKind.Complete, ChunkedOracle.DecodeOneShot(Http1Samples.Ascii("1;abc\r\nx\r\n0\r\nA: 123456789\r\n\r\n"), limits).Kind);
        Assert.Equal(RequestRejectionReason.InvalidChunkExtension, ChunkedOracle.DecodeOneShot(Http1Samples.Ascii("1;abcd\r\nx\r\n0\r\n\r\n"), limits).Reason);
        Assert.Equal(RequestRejectionReason.TrailersTooLarge, ChunkedOracle.DecodeOneShot(Http1Samples.Ascii("0\r\nA: 1234567890\r\n\r\n"), limits).Reason);
    }

    [Fact]
    public void Read_WarmDecoder_AllocatesNothing()
    {
        byte[] body = Http1Samples.ChunkedBody(Http1Samples.Payload(64 * 1024), 8192, trailers: "X-Sum: 1\r\n");
        var sequence = new ReadOnlySequence<byte>(body);
        long total = Drain(sequence);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            total += Drain(sequence);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(11L * 64 * 1024, total);
    }

    private static long Drain(ReadOnlySequence<byte> sequence)
    {
        var reader = new SequenceReader<byte>(sequence);
        var decoder = new ChunkedDecoder();
        long data = 0;
        while (decoder.Read(ref reader, HttpParserLimits.Default, out ReadOnlySequence<byte> chunk) == ChunkedStatus.Data)
        {
            data += chunk.Length;
        }
        return data;
    }
}
