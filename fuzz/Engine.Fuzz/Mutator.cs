using System.Text;

namespace Engine.Fuzz;

/// <summary>
/// Byte-level mutations: flips, inserts and deletes, duplicated ranges, grammar tokens (by default
/// those that change how an HTTP/1.1 message is framed, else the target's own), long runs that
/// reach the limits, and splices between two corpus entries. Deterministic for a given <see cref="Random"/>.
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

    /// <summary>
    /// Applies one to four mutations to a copy of <paramref name="input"/>, inserting the target's
    /// own <paramref name="tokens"/> (none: the HTTP/1.1 ones).
    /// </summary>
    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus, IReadOnlyList<byte[]> tokens)
    {
        var data = new List<byte>(input);
        int count = 1 + _random.Next(4);
        for (int i = 0; i < count; i++)
        {
            MutateOnce(data, corpus, tokens);
        }
        if (data.Count > MaxInputLength)
        {
            data.RemoveRange(MaxInputLength, data.Count - MaxInputLength);
        }
        return [.. data];
    }

    private void MutateOnce(List<byte> data, IReadOnlyList<byte[]> corpus, IReadOnlyList<byte[]> targetTokens)
    {
        IReadOnlyList<byte[]> tokens = targetTokens.Count > 0 ? targetTokens : Tokens;
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
                data.InsertRange(_random.Next(data.Count + 1), tokens[_random.Next(tokens.Count)]);
                break;
            case 7 when data.Count > 0:
                int at = _random.Next(data.Count);
                byte[] token = tokens[_random.Next(tokens.Count)];
                data.RemoveRange(at, Math.Min(data.Count - at, token.Length));
                data.InsertRange(at, token);
                break;
            case 8:
                int runLength = _random.Next(4) == 0 ? _random.Next(1, 40_000) : _random.Next(1, 300);
                if (targetTokens.Count == 0)
                {
                    data.InsertRange(_random.Next(data.Count + 1), Enumerable.Repeat(RunBytes[_random.Next(RunBytes.Length)], runLength));
                }
                else
                {
                    // A repeated token reaches what a repeated byte cannot: ten thousand "[" or "!(" nest
                    // ten thousand deep, and a long run of "a.b" makes a long dotted key.
                    byte[] unit = targetTokens[_random.Next(targetTokens.Count)];
                    int repeats = Math.Max(1, runLength / Math.Max(unit.Length, 1));
                    var run = new byte[repeats * unit.Length];
                    for (int offset = 0; offset < run.Length; offset += unit.Length)
                    {
                        unit.CopyTo(run, offset);
                    }

                    // An array, not a lazy sequence: List.InsertRange copies an ICollection in one move
                    // but inserts anything else one element at a time, quadratic in a 64 KiB input.
                    data.InsertRange(_random.Next(data.Count + 1), run);
                }

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
