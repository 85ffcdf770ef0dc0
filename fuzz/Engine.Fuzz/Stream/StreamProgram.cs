using System.Text;

namespace Engine.Fuzz.Stream;

/// <summary>One request of a program: what the client sends, and what the origin must receive.</summary>
internal sealed record ProgramRequest(string Method, string Target, string Body, byte[] Wire);

/// <summary>
/// A fuzz input read as choices: a few requests, each with its method, framing (none,
/// Content-Length, or chunked with chunk extensions and trailers), body, and optional empty lines
/// before it, pipelined on one connection and cut into writes at chosen points. The bytes are
/// always valid HTTP/1.1: the model of what the origin must receive is then exact (each request
/// once, in order, with its body), so any difference is the proxy's.
/// </summary>
internal sealed class StreamProgram
{
    private static readonly string[] s_methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

    private StreamProgram(IReadOnlyList<ProgramRequest> requests, IReadOnlyList<byte[]> writes)
    {
        Requests = requests;
        Writes = writes;
    }

    public IReadOnlyList<ProgramRequest> Requests { get; }

    /// <summary>The connection's bytes, cut where the input chose.</summary>
    public IReadOnlyList<byte[]> Writes { get; }

    public static StreamProgram Decode(ReadOnlySpan<byte> input)
    {
        var choices = new Choices(input);
        int count = 1 + choices.Next(8);
        var requests = new List<ProgramRequest>(count);
        var stream = new List<byte>();
        for (int i = 0; i < count; i++)
        {
            ProgramRequest request = DecodeRequest(ref choices, i);
            requests.Add(request);
            stream.AddRange(request.Wire);
        }

        var cuts = new SortedSet<int>();
        int cutCount = choices.Next(6);
        for (int i = 0; i < cutCount; i++)
        {
            cuts.Add(1 + choices.Next(Math.Max(1, stream.Count - 1)));
        }
        var writes = new List<byte[]>();
        int start = 0;
        foreach (int cut in cuts.Where(c => c < stream.Count))
        {
            writes.Add([.. stream.GetRange(start, cut - start)]);
            start = cut;
        }
        writes.Add([.. stream.GetRange(start, stream.Count - start)]);
        return new StreamProgram(requests, writes);
    }

    private static ProgramRequest DecodeRequest(ref Choices choices, int index)
    {
        string method = s_methods[choices.Next(s_methods.Length)];
        string target = $"/r{index}/{choices.Next(1000)}" + (choices.Next(3) == 0 ? $"?q={choices.Next(100)}" : "");
        int framing = choices.Next(3);
        int length = framing == 0 ? 0 : choices.Next(300);
        string body = new([.. Enumerable.Range(0, length).Select(k => (char)('a' + ((index + k) % 26)))]);

        var head = new StringBuilder();
        // RFC 9112 §2.2: empty lines before a request-line are ignored.
        int emptyLines = choices.Next(5) == 0 ? 1 + choices.Next(2) : 0;
        for (int i = 0; i < emptyLines; i++)
        {
            head.Append("\r\n");
        }
        head.Append($"{method} {target} HTTP/1.1\r\nHost: fuzz.example\r\nX-Index: {index}\r\n");
        var wire = new StringBuilder();
        switch (framing)
        {
            case 0:
                head.Append("\r\n");
                wire.Append(head);
                break;
            case 1:
                head.Append($"Content-Length: {length}\r\n\r\n");
                wire.Append(head).Append(body);
                break;
            default:
                head.Append("Transfer-Encoding: chunked\r\n\r\n");
                wire.Append(head);
                int sent = 0;
                while (sent < length)
                {
                    int size = Math.Min(length - sent, 1 + choices.Next(64));
                    string extension = choices.Next(4) == 0 ? ";ext=1" : "";
                    wire.Append($"{size:x}{extension}\r\n").Append(body, sent, size).Append("\r\n");
                    sent += size;
                }
                wire.Append("0\r\n");
                if (choices.Next(3) == 0)
                {
                    wire.Append("X-Trailer: t\r\n");
                }
                wire.Append("\r\n");
                break;
        }
        return new ProgramRequest(method, target, body, Encoding.ASCII.GetBytes(wire.ToString()));
    }

    /// <summary>The input as a stream of small numbers; past its end every choice is 0.</summary>
    private ref struct Choices(ReadOnlySpan<byte> input)
    {
        private readonly ReadOnlySpan<byte> _input = input;
        private int _next;

        public int Next(int bound)
        {
            if (bound <= 1)
            {
                return 0;
            }
            int value = 0;
            // Two bytes per choice once bounds pass 256 (body lengths, cut points).
            int bytes = bound > 256 ? 2 : 1;
            for (int i = 0; i < bytes; i++)
            {
                value = (value << 8) | (_next < _input.Length ? _input[_next] : 0);
                _next++;
            }
            return value % bound;
        }
    }
}
