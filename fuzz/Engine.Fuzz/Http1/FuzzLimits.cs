using Engine.Http.Http1;

namespace Engine.Fuzz.Http1;

/// <summary>Limits the targets alternate between: the defaults, and tight ones that mutated inputs reach.</summary>
internal static class FuzzLimits
{
    public static readonly HttpParserLimits Tight = new()
    {
        MaxRequestLineSize = 96,
        MaxHeadSize = 384,
        MaxHeaderCount = 8,
        MaxTrailerSize = 64,
        MaxChunkExtensionSize = 24,
    };

    /// <summary>Picks the limits from the input itself so a replay sees the same ones.</summary>
    public static HttpParserLimits For(uint inputHash) => (inputHash & 1) == 0 ? HttpParserLimits.Default : Tight;

    /// <summary>FNV-1a: a stable hash of the input that seeds every per-input choice.</summary>
    public static uint Hash(ReadOnlySpan<byte> input)
    {
        uint hash = 2166136261;
        foreach (byte b in input)
        {
            hash = (hash ^ b) * 16777619;
        }
        return hash;
    }

    /// <summary>Ascending arrival points ending at <paramref name="length"/>, steps of 1..<paramref name="maxStep"/>.</summary>
    public static int[] Cuts(int length, Random random, int maxStep)
    {
        var cuts = new List<int>();
        for (int at = 0; at < length;)
        {
            at = Math.Min(length, at + random.Next(1, maxStep + 1));
            cuts.Add(at);
        }
        if (cuts.Count == 0)
        {
            cuts.Add(0);
        }
        return [.. cuts];
    }

    public static int[] EveryByte(int length)
    {
        var cuts = new int[Math.Max(length, 1)];
        for (int i = 0; i < cuts.Length; i++)
        {
            cuts[i] = Math.Min(i + 1, length);
        }
        return cuts;
    }
}
