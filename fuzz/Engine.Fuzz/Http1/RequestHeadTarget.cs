using Engine.Http;
using Engine.Http.Http1;

namespace Engine.Fuzz.Http1;

/// <summary>
/// Fuzzes <see cref="Http1Parser.TryParseRequest"/>. Per input: only HttpParseException may
/// escape; a complete head has no prefix that is rejected or complete; feeding the input in
/// random steps and byte by byte ends exactly as one shot does, with the same fields.
/// </summary>
internal sealed class RequestHeadTarget : IFuzzTarget
{
    private const int AllPrefixesUpTo = 1024;
    private const int EveryByteUpTo = 512;

    private readonly HttpRequestHead _oneShot = new();
    private readonly HttpRequestHead _other = new();

    public string Name => "http1-request";

    public IEnumerable<byte[]> Seeds => SeedCorpus.Requests;

    public void Run(ReadOnlySpan<byte> input)
    {
        uint hash = FuzzLimits.Hash(input);
        HttpParserLimits limits = FuzzLimits.For(hash);
        _oneShot.Reset();
        HeadOutcome expected = HeadOracle.ParseRequest(input, _oneShot, limits);

        if (expected.Kind == OutcomeKind.Complete)
        {
            CheckOffsets(_oneShot);
            CheckPrefixes(input, _oneShot.HeadLength, limits);
        }

        var random = new Random((int)hash);
        Compare(input, expected, FuzzLimits.Cuts(input.Length, random, 16), limits, "random steps");
        if (input.Length <= EveryByteUpTo)
        {
            Compare(input, expected, FuzzLimits.EveryByte(input.Length), limits, "byte by byte");
        }
    }

    private void CheckPrefixes(ReadOnlySpan<byte> input, int headLength, HttpParserLimits limits)
    {
        int step = headLength <= AllPrefixesUpTo ? 1 : headLength / 64;
        for (int length = 0; length < headLength; length += step)
        {
            _other.Reset();
            HeadOutcome outcome = HeadOracle.ParseRequest(input.Slice(0, length), _other, limits);
            if (outcome.Kind != OutcomeKind.Incomplete)
            {
                throw new FuzzFindingException($"The {length}-byte prefix of a complete {headLength}-byte request head gave {outcome}.");
            }
        }
    }

    private void Compare(ReadOnlySpan<byte> input, HeadOutcome expected, int[] cuts, HttpParserLimits limits, string how)
    {
        HeadOutcome actual = HeadOracle.ParseRequestIncrementally(input, cuts, _other, limits);
        if (actual != expected)
        {
            throw new FuzzFindingException($"Fed {how}, the request head gave {actual}; one shot gave {expected}.");
        }
        if (expected.Kind == OutcomeKind.Complete && HeadOracle.Difference(_oneShot, _other) is { } difference)
        {
            throw new FuzzFindingException($"Fed {how}, the request head differs from one shot: {difference}.");
        }
    }

    private static void CheckOffsets(HttpRequestHead head)
    {
        int length = head.HeadLength;
        Check(head.TargetStart, head.TargetLength, length, "target");
        Check(head.PathStart, head.PathLength, length, "path");
        Check(head.AuthorityStart, head.AuthorityLength, length, "authority");
        if (head.QueryLength >= 0)
        {
            Check(head.QueryStart, head.QueryLength, length, "query");
        }
        foreach (HeaderEntry header in head.Headers)
        {
            Check(header.NameStart, header.NameLength, length, "header name");
            Check(header.ValueStart, header.ValueLength, length, "header value");
        }
        if (head.Chunked && head.ContentLength >= 0)
        {
            throw new FuzzFindingException("A request was accepted with both chunked and a Content-Length.");
        }
    }

    internal static void Check(int start, int count, int headLength, string what)
    {
        if (start < 0 || count < 0 || start + count > headLength)
        {
            throw new FuzzFindingException($"The {what} ({start}+{count}) lies outside the {headLength}-byte head.");
        }
    }
}
