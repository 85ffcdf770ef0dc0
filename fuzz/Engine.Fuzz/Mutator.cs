using System.Text;

namespace Engine.Fuzz;

/// <summary>
/// Byte-level mutations aimed at HTTP/1.1 framing: flips, inserts and deletes, duplicated ranges,
/// tokens that change how a message is framed, long runs that reach the limits, and splices
/// between two corpus entries. Deterministic for a given <see cref="Random"/>.
/// </summary>
internal sealed class Mutator
{
    private const int MaxInputLength = 64 * 1024;

    private static readonly byte[][] Tokens = ToBytes(
        "\r\n", "\n", "\r", "\r\n\r\n", ":", " ", "\t", ",", ";", "=", "\"", "\\", "\0", "\x7f", "\xff", "?", "/", "*", "[", "]", "@", "%",
        "chunked", "Transfer-Encoding", "Transfer-Encoding: chunked\r\n", "Content-Length", "Content-Length: 0\r\n",
        "Content-Length: 18446744073709551616\r\n", "Host", "Host: h\r\n", "Connection", "close", "keep-alive", "upgrade",
        "Expect: 100-continue\r\n", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "http://", "https://", "CONNECT ", "OPTIONS ", "HEAD ",
        "0\r\n\r\n", "ffffffffffffffff", "7fffffffffffffff", "8000000000000000", "0000000000", ";ext=\"v\"", " ", "\r\n ", "101", "204", "304");

    private static readonly byte[] RunBytes = "a0 \t\r\n:f;,"u8.ToArray();

    private readonly Random _random;

    public Mutator(Random random) => _random = random;

    /// <summary>Applies one to four mutations to a copy of <paramref name="input"/>.</summary>
    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(input);
        int count = 1 + _random.Next(4);
        for (int i = 0; i < count; i++)
        {
            MutateOnce(data, corpus);
        }
        if (data.Count > MaxInputLength)
        {
            data.RemoveRange(MaxInputLength, data.Count - MaxInputLength);
        }
        return [.. data];
    }

    private void MutateOnce(List<byte> data, IReadOnlyList<byte[]> corpus)
    {
        switch (_random.Next(10))
        {
            case 0 when data.Count > 0:
                int flip = _random.Next(data.Count);
                data[flip] ^= (byte)(1 << _random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[_random.Next(data.Count)] = (byte)_random.Next(256);
                break;
            case 2:
                data.Insert(_random.Next(data.Count + 1), (byte)_random.Next(256));
                break;
            case 3 when data.Count > 0:
                int start = _random.Next(data.Count);
                data.RemoveRange(start, Math.Min(data.Count - start, 1 + _random.Next(16)));
                break;
            case 4 when data.Count > 0:
                int from = _random.Next(data.Count);
                int length = Math.Min(data.Count - from, 1 + _random.Next(64));
                byte[] range = data.GetRange(from, length).ToArray();
                data.InsertRange(_random.Next(data.Count + 1), range);
                break;
            case 5:
            case 6:
                data.InsertRange(_random.Next(data.Count + 1), Tokens[_random.Next(Tokens.Length)]);
                break;
            case 7 when data.Count > 0:
                int at = _random.Next(data.Count);
                byte[] token = Tokens[_random.Next(Tokens.Length)];
                data.RemoveRange(at, Math.Min(data.Count - at, token.Length));
                data.InsertRange(at, token);
                break;
            case 8:
                int runLength = _random.Next(4) == 0 ? _random.Next(1, 40_000) : _random.Next(1, 300);
                data.InsertRange(_random.Next(data.Count + 1), Enumerable.Repeat(RunBytes[_random.Next(RunBytes.Length)], runLength));
                break;
            default:
                // Splice: the head of this input with the tail of another.
                byte[] other = corpus[_random.Next(corpus.Count)];
                int keep = _random.Next(data.Count + 1);
                int skip = other.Length == 0 ? 0 : _random.Next(other.Length);
                data.RemoveRange(keep, data.Count - keep);
                data.AddRange(other.AsSpan(skip).ToArray());
                break;
        }
    }

    private static byte[][] ToBytes(params string[] tokens) => [.. tokens.Select(Encoding.Latin1.GetBytes)];
}
