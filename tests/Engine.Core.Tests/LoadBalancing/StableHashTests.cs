using System.Text;
using Engine.Core.LoadBalancing;

namespace Engine.Core.Tests.LoadBalancing;

public class StableHashTests
{
    // Published xxHash64 vectors (seed 0): below 32 bytes StableHash is exactly xxHash64, so
    // these pin its value across processes, machines and versions.
    [Theory]
    [InlineData("", 0xEF46DB3751D8E999UL)]
    [InlineData("a", 0xD24EC4F1A98C6E5BUL)]
    [InlineData("abc", 0x44BC2CF5AD770999UL)]
    [InlineData("message digest", 0x066ED728FCEEB3BEUL)]
    public void Hash64_ShortInput_MatchesXxHash64(string input, ulong expected)
    {
        Assert.Equal(expected, StableHash.Hash64(Encoding.ASCII.GetBytes(input)));
    }

    [Fact]
    public void Hash64_LongInput_IsPinnedAndSeedSensitive()
    {
        byte[] input = Encoding.ASCII.GetBytes("http://backend-with-a-long-name.internal:8080/");

        Assert.Equal(0xCC80DA01C5868CC5UL, StableHash.Hash64(input));
        Assert.NotEqual(StableHash.Hash64(input), StableHash.Hash64(input, seed: 1));
    }

    [Fact]
    public void Hash64_EveryInputByte_ChangesHash()
    {
        byte[] input = Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef0123456789");
        ulong original = StableHash.Hash64(input);

        for (int i = 0; i < input.Length; i++)
        {
            input[i] ^= 1;
            Assert.NotEqual(original, StableHash.Hash64(input));
            input[i] ^= 1;
        }
    }
}
