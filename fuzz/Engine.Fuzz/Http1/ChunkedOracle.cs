using System.Buffers;
using Engine.Http.Http1;

namespace Engine.Fuzz.Http1;

/// <summary>The result of decoding a whole chunked body: what came out and how it ended.</summary>
internal sealed record ChunkedOutcome(OutcomeKind Kind, RequestRejectionReason Reason, byte[] Data, byte[] Trailers, long Consumed)
{
    public string? Difference(ChunkedOutcome other)
    {
        if (Kind != other.Kind || Reason != other.Reason)
        {
            return $"outcome {Kind}/{Reason} vs {other.Kind}/{other.Reason}";
        }
        if (Consumed != other.Consumed)
        {
            return $"consumed {Consumed} vs {other.Consumed}";
        }
        if (!Data.AsSpan().SequenceEqual(other.Data))
        {
            return $"data ({Data.Length} vs {other.Data.Length} bytes)";
        }
        return Trailers.AsSpan().SequenceEqual(other.Trailers) ? null : "trailers";
    }
}

/// <summary>
/// Runs <see cref="ChunkedDecoder"/> the way a connection does: bytes arrive in steps, each
/// call sees what was left unconsumed plus the new bytes, over segments of any size.
/// </summary>
internal static class ChunkedOracle
{
    /// <summary>Decodes a body held in one segment, all bytes present at once.</summary>
    public static ChunkedOutcome DecodeOneShot(byte[] body, HttpParserLimits limits)
    {
        var single = new ReadOnlySequence<byte>(body);
        return Decode(single, [body.Length], limits);
    }

    /// <summary>
    /// Decodes <paramref name="body"/>; <paramref name="arrivals"/> are the ascending byte counts
    /// received before each attempt, the last one the whole length.
    /// </summary>
    public static ChunkedOutcome Decode(ReadOnlySequence<byte> body, ReadOnlySpan<int> arrivals, HttpParserLimits limits)
    {
        var decoder = new ChunkedDecoder();
        var data = new ArrayBufferWriter<byte>();
        long consumed = 0;
        SequencePosition position = body.Start;
        try
        {
            foreach (int arrived in arrivals)
            {
                // Positions are found relative to the last one: walking from the start each time
                // would make a byte-per-segment run quadratic.
                SequencePosition end = body.GetPosition(arrived - consumed, position);
                var reader = new SequenceReader<byte>(body.Slice(position, end));
                while (true)
                {
                    ChunkedStatus status = decoder.Read(ref reader, limits, out ReadOnlySequence<byte> chunk);
                    if (status == ChunkedStatus.Data)
                    {
                        if (chunk.IsEmpty)
                        {
                            throw new FuzzFindingException("ChunkedDecoder returned Data with an empty run.");
                        }
                        Append(data, chunk);
                        continue;
                    }
                    consumed += reader.Consumed;
                    position = reader.Position;
                    if (status == ChunkedStatus.Completed)
                    {
                        if (decoder.Consumed != consumed)
                        {
                            throw new FuzzFindingException($"ChunkedDecoder.Consumed {decoder.Consumed} but the reader advanced {consumed}.");
                        }
                        return new ChunkedOutcome(OutcomeKind.Complete, RequestRejectionReason.None, data.WrittenSpan.ToArray(), chunk.ToArray(), consumed);
                    }
                    break;
                }
            }
            return new ChunkedOutcome(OutcomeKind.Incomplete, RequestRejectionReason.None, data.WrittenSpan.ToArray(), [], consumed);
        }
        catch (HttpParseException e)
        {
            // What was decoded before the error is not compared: a segmented run may hand out
            // data the one-shot run never reached, and both are rejected anyway.
            return new ChunkedOutcome(OutcomeKind.Rejected, e.Reason, [], [], 0);
        }
    }

    private static void Append(ArrayBufferWriter<byte> writer, ReadOnlySequence<byte> chunk)
    {
        foreach (ReadOnlyMemory<byte> segment in chunk)
        {
            writer.Write(segment.Span);
        }
    }
}
