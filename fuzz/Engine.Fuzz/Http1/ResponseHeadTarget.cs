using Engine.Http;
using Engine.Http.Http1;
using HttpMethod = Engine.Http.HttpMethod;

namespace Engine.Fuzz.Http1;

/// <summary>Fuzzes <see cref="Http1Parser.TryParseResponse"/> with the invariants of <see cref="RequestHeadTarget"/>.</summary>
internal sealed class ResponseHeadTarget : IFuzzTarget
{
    private const int AllPrefixesUpTo = 1024;
    private const int EveryByteUpTo = 512;

    private static readonly HttpMethod[] Methods = [HttpMethod.Get, HttpMethod.Head, HttpMethod.Connect, HttpMethod.Post];

    private readonly HttpResponseHead _oneShot = new();
    private readonly HttpResponseHead _other = new();

    public string Name => "http1-response";

    public IEnumerable<byte[]> Seeds => SeedCorpus.Responses;

    public void Run(ReadOnlySpan<byte> input)
    {
        uint hash = FuzzLimits.Hash(input);
        HttpParserLimits limits = FuzzLimits.For(hash);
        HttpMethod method = Methods[(hash >> 1) % (uint)Methods.Length];
        _oneShot.Reset();
        HeadOutcome expected = HeadOracle.ParseResponse(input, _oneShot, method, limits);

        if (expected.Kind == OutcomeKind.Complete)
        {
            int length = _oneShot.HeadLength;
            RequestHeadTarget.Check(_oneShot.ReasonStart, _oneShot.ReasonLength, length, "reason");
            foreach (HeaderEntry header in _oneShot.Headers)
            {
                RequestHeadTarget.Check(header.NameStart, header.NameLength, length, "header name");
                RequestHeadTarget.Check(header.ValueStart, header.ValueLength, length, "header value");
            }
            int step = length <= AllPrefixesUpTo ? 1 : length / 64;
            for (int prefix = 0; prefix < length; prefix += step)
            {
                _other.Reset();
                HeadOutcome outcome = HeadOracle.ParseResponse(input.Slice(0, prefix), _other, method, limits);
                if (outcome.Kind != OutcomeKind.Incomplete)
                {
                    throw new FuzzFindingException($"The {prefix}-byte prefix of a complete {length}-byte response head gave {outcome}.");
                }
            }
        }

        var random = new Random((int)hash);
        Compare(input, expected, FuzzLimits.Cuts(input.Length, random, 16), method, limits, "random steps");
        if (input.Length <= EveryByteUpTo)
        {
            Compare(input, expected, FuzzLimits.EveryByte(input.Length), method, limits, "byte by byte");
        }
    }

    private void Compare(ReadOnlySpan<byte> input, HeadOutcome expected, int[] cuts, HttpMethod method, HttpParserLimits limits, string how)
    {
        HeadOutcome actual = HeadOracle.ParseResponseIncrementally(input, cuts, _other, method, limits);
        if (actual != expected)
        {
            throw new FuzzFindingException($"Fed {how}, the response head gave {actual}; one shot gave {expected}.");
        }
        if (expected.Kind == OutcomeKind.Complete && HeadOracle.Difference(_oneShot, _other) is { } difference)
        {
            throw new FuzzFindingException($"Fed {how}, the response head differs from one shot: {difference}.");
        }
    }
}
