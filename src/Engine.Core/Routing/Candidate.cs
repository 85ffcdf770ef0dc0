namespace Engine.Core.Routing;

/// <summary>
/// A route (by <see cref="Rank"/>, its place in evaluation order) that the index could not
/// rule out, with what is left to check. Candidate lists are sorted by rank.
/// </summary>
internal readonly struct Candidate(int rank, MatchNode? residual)
{
    public int Rank { get; } = rank;

    public MatchNode? Residual { get; } = residual;

    /// <summary>
    /// Finds the first candidate of <paramref name="candidates"/> that matches and ranks before
    /// <paramref name="best"/>, and lowers <paramref name="best"/> to it. Lists are scanned one
    /// after the other in any order; because each is sorted and the scan stops at
    /// <paramref name="best"/>, the result is the lowest rank that matches across all of them.
    /// </summary>
    public static void ScanHttp<TInput>(Candidate[] candidates, ref TInput input, ReadOnlySpan<byte> host, ref int best)
        where TInput : IRouteInput, allows ref struct
    {
        foreach (Candidate candidate in candidates)
        {
            if (candidate.Rank >= best)
            {
                return;
            }

            if (candidate.Residual is null || HttpEvaluator.Evaluate(candidate.Residual, ref input, host))
            {
                best = candidate.Rank;
                return;
            }
        }
    }

    public static void ScanTcp<TInput>(Candidate[] candidates, ref TInput input, ReadOnlySpan<byte> serverName, ref int best)
        where TInput : ITcpRouteInput, allows ref struct
    {
        foreach (Candidate candidate in candidates)
        {
            if (candidate.Rank >= best)
            {
                return;
            }

            if (candidate.Residual is null || TcpEvaluator.Evaluate(candidate.Residual, ref input, serverName))
            {
                best = candidate.Rank;
                return;
            }
        }
    }
}
