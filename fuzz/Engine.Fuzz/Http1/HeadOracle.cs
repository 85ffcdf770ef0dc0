using Engine.Http;
using Engine.Http.Http1;
using HttpMethod = Engine.Http.HttpMethod;

namespace Engine.Fuzz.Http1;

/// <summary>
/// Drives the head parser the ways a connection can (one shot, growing prefixes, byte by byte)
/// and compares the results field by field. Shared by the fuzz targets and the unit tests.
/// </summary>
internal static class HeadOracle
{
    public static HeadOutcome ParseRequest(ReadOnlySpan<byte> input, HttpRequestHead head, HttpParserLimits limits)
    {
        try
        {
            return Http1Parser.TryParseRequest(input, head, limits) ? HeadOutcome.Complete : HeadOutcome.Incomplete;
        }
        catch (HttpParseException e)
        {
            return new HeadOutcome(OutcomeKind.Rejected, e.Reason);
        }
    }

    public static HeadOutcome ParseResponse(ReadOnlySpan<byte> input, HttpResponseHead head, HttpMethod method, HttpParserLimits limits)
    {
        try
        {
            return Http1Parser.TryParseResponse(input, head, method, limits) ? HeadOutcome.Complete : HeadOutcome.Incomplete;
        }
        catch (HttpParseException e)
        {
            return new HeadOutcome(OutcomeKind.Rejected, e.Reason);
        }
    }

    /// <summary>
    /// Feeds growing prefixes ending at each cut (ascending, the last one the whole input) into one
    /// head, as a connection does when bytes arrive in several reads.
    /// </summary>
    public static HeadOutcome ParseRequestIncrementally(ReadOnlySpan<byte> input, ReadOnlySpan<int> cuts, HttpRequestHead head, HttpParserLimits limits)
    {
        head.Reset();
        foreach (int cut in cuts)
        {
            HeadOutcome outcome = ParseRequest(input.Slice(0, cut), head, limits);
            if (outcome.Kind != OutcomeKind.Incomplete)
            {
                return outcome;
            }
        }
        return HeadOutcome.Incomplete;
    }

    public static HeadOutcome ParseResponseIncrementally(ReadOnlySpan<byte> input, ReadOnlySpan<int> cuts, HttpResponseHead head, HttpMethod method, HttpParserLimits limits)
    {
        head.Reset();
        foreach (int cut in cuts)
        {
            HeadOutcome outcome = ParseResponse(input.Slice(0, cut), head, method, limits);
            if (outcome.Kind != OutcomeKind.Incomplete)
            {
                return outcome;
            }
        }
        return HeadOutcome.Incomplete;
    }

    /// <summary>Null when both heads hold the same fields, else the first difference.</summary>
    public static string? Difference(HttpRequestHead a, HttpRequestHead b)
    {
        if (a.Method != b.Method || a.MethodLength != b.MethodLength)
        {
            return $"method {a.Method}/{a.MethodLength} vs {b.Method}/{b.MethodLength}";
        }
        if (a.TargetStart != b.TargetStart || a.TargetLength != b.TargetLength || a.TargetForm != b.TargetForm)
        {
            return $"target {a.TargetStart}+{a.TargetLength} {a.TargetForm} vs {b.TargetStart}+{b.TargetLength} {b.TargetForm}";
        }
        if (a.PathStart != b.PathStart || a.PathLength != b.PathLength || a.QueryStart != b.QueryStart || a.QueryLength != b.QueryLength)
        {
            return "path or query";
        }
        if (a.AuthorityStart != b.AuthorityStart || a.AuthorityLength != b.AuthorityLength)
        {
            return $"authority {a.AuthorityStart}+{a.AuthorityLength} vs {b.AuthorityStart}+{b.AuthorityLength}";
        }
        if (a.Version != b.Version || a.Connection != b.Connection || a.ExpectContinue != b.ExpectContinue
            || a.ContentLength != b.ContentLength || a.Chunked != b.Chunked || a.HeadLength != b.HeadLength)
        {
            return $"version/connection/expect/length/chunked/head-length: {a.Version} {a.Connection} {a.ExpectContinue} {a.ContentLength} {a.Chunked} {a.HeadLength} vs {b.Version} {b.Connection} {b.ExpectContinue} {b.ContentLength} {b.Chunked} {b.HeadLength}";
        }
        return HeadersDifference(a.Headers, b.Headers);
    }

    public static string? Difference(HttpResponseHead a, HttpResponseHead b)
    {
        if (a.Version != b.Version || a.StatusCode != b.StatusCode || a.ReasonStart != b.ReasonStart || a.ReasonLength != b.ReasonLength)
        {
            return $"status line {a.Version} {a.StatusCode} vs {b.Version} {b.StatusCode}";
        }
        if (a.Connection != b.Connection || a.ContentLength != b.ContentLength || a.Chunked != b.Chunked
            || a.Framing != b.Framing || a.HeadLength != b.HeadLength)
        {
            return $"connection/length/chunked/framing/head-length: {a.Connection} {a.ContentLength} {a.Chunked} {a.Framing} {a.HeadLength} vs {b.Connection} {b.ContentLength} {b.Chunked} {b.Framing} {b.HeadLength}";
        }
        return HeadersDifference(a.Headers, b.Headers);
    }

    private static string? HeadersDifference(ReadOnlySpan<HeaderEntry> a, ReadOnlySpan<HeaderEntry> b)
    {
        if (a.Length != b.Length)
        {
            return $"header count {a.Length} vs {b.Length}";
        }
        for (int i = 0; i < a.Length; i++)
        {
            HeaderEntry x = a[i], y = b[i];
            if (x.NameStart != y.NameStart || x.NameLength != y.NameLength || x.ValueStart != y.ValueStart
                || x.ValueLength != y.ValueLength || x.Known != y.Known || x.Hop != y.Hop)
            {
                return $"header {i}";
            }
        }
        return null;
    }
}
