using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Engine.TestSupport.Net;

/// <summary>An HTTP/1.1 message as a test sees it: start line, headers in order, body bytes.</summary>
public sealed record RawMessage(string StartLine, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public int Status => int.Parse(StartLine.Split(' ')[1], CultureInfo.InvariantCulture);

    public string Method => StartLine.Split(' ')[0];

    public string Target => StartLine.Split(' ')[1];

    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public IEnumerable<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);
}

/// <summary>
/// A deliberately simple, independent HTTP/1.1 reader for tests (it shares no code with the
/// engine's parser, so a bug there cannot hide in both). Reads one message from a stream.
/// </summary>
public sealed class RawHttpReader(Stream stream)
{
    private readonly Stream _stream = stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>When set, every byte the reader consumes is copied here (the raw bytes of what it read).</summary>
    public Stream? Transcript { get; set; }

    /// <summary>Reads a response; <paramref name="noBody"/> for HEAD, 1xx, 204 and 304.</summary>
    public async Task<RawMessage?> ReadResponseAsync(bool noBody = false, Stream? bodySink = null) => await ReadMessageAsync(isResponse: true, noBody, bodySink);

    public async Task<RawMessage?> ReadRequestAsync(Stream? bodySink = null) => await ReadMessageAsync(isResponse: false, noBody: false, bodySink);

    private async Task<RawMessage?> ReadMessageAsync(bool isResponse, bool noBody, Stream? bodySink)
    {
        string? startLine = await ReadLineAsync();
        if (startLine == null)
        {
            return null;
        }
        var headers = new List<KeyValuePair<string, string>>();
        string? line;
        while (!string.IsNullOrEmpty(line = await ReadLineAsync()))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }
        var message = new RawMessage(startLine, headers, []);
        int status = isResponse ? message.Status : 0;
        if (noBody || (isResponse && (status is >= 100 and < 200 or 204 or 304)))
        {
            return message;
        }

        var body = bodySink ?? new MemoryStream();
        string? te = message.Header("Transfer-Encoding");
        string? cl = message.Header("Content-Length");
        if (te != null && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (true)
            {
                string sizeLine = await ReadLineAsync() ?? throw new EndOfStreamException("EOF in chunk size");
                long size = long.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    while (!string.IsNullOrEmpty(await ReadLineAsync()))
                    {
                    }
                    break;
                }
                await CopyBodyAsync(body, size);
                if (await ReadLineAsync() != "")
                {
                    throw new InvalidDataException("chunk not followed by CRLF");
                }
            }
        }
        else if (cl != null)
        {
            await CopyBodyAsync(body, long.Parse(cl, CultureInfo.InvariantCulture));
        }
        else if (isResponse)
        {
            await CopyBodyAsync(body, long.MaxValue);
        }
        return message with { Body = bodySink == null ? ((MemoryStream)body).ToArray() : [] };
    }

    private async Task CopyBodyAsync(Stream target, long length)
    {
        bool untilClose = length == long.MaxValue;
        while (length > 0)
        {
            if (_start == _end && !await FillAsync())
            {
                if (untilClose)
                {
                    return;
                }
                throw new EndOfStreamException($"EOF with {length} body bytes missing");
            }
            int take = (int)Math.Min(length, _end - _start);
            await target.WriteAsync(_buffer.AsMemory(_start, take));
            Transcript?.Write(_buffer, _start, take);
            _start += take;
            length -= take;
        }
    }

    public async Task<string?> ReadLineAsync()
    {
        while (true)
        {
            int lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                string line = Encoding.Latin1.GetString(_buffer, _start, lf - _start).TrimEnd('\r');
                Transcript?.Write(_buffer, _start, lf + 1 - _start);
                _start = lf + 1;
                return line;
            }
            if (!await FillAsync())
            {
                return null;
            }
        }
    }

    /// <summary>Everything left until the peer closes the connection (a FIN, or a reset).</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        var rest = new MemoryStream();
        do
        {
            rest.Write(_buffer, _start, _end - _start);
            Transcript?.Write(_buffer, _start, _end - _start);
            _start = _end;
        }
        while (await FillAsync());
        return rest.ToArray();
    }

    /// <summary>True when the peer closed the connection (reads 0 bytes, or a reset).</summary>
    public async Task<bool> IsClosedAsync(TimeSpan wait)
    {
        if (_start < _end)
        {
            return false;
        }
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            int read = await _stream.ReadAsync(_buffer, timeout.Token);
            if (read == 0)
            {
                return true;
            }
            _start = 0;
            _end = read;
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<bool> FillAsync()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        int read;
        try
        {
            read = await _stream.ReadAsync(_buffer.AsMemory(_end));
        }
        catch (IOException)
        {
            return false;
        }
        _end += read;
        return read > 0;
    }
}

/// <summary>A raw TCP client for tests that must control every byte on the wire.</summary>
public sealed class RawConnection : IAsyncDisposable
{
    private RawConnection(TcpClient client)
    {
        Client = client;
        Stream = client.GetStream();
        Reader = new RawHttpReader(Stream);
    }

    public TcpClient Client { get; }

    public NetworkStream Stream { get; }

    public RawHttpReader Reader { get; }

    public static async Task<RawConnection> OpenAsync(System.Net.IPEndPoint endPoint)
    {
        var client = new TcpClient(endPoint.AddressFamily) { NoDelay = true };
        await client.ConnectAsync(endPoint);
        return new RawConnection(client);
    }

    public Task SendAsync(string text) => Stream.WriteAsync(Encoding.Latin1.GetBytes(text)).AsTask();

    public Task SendAsync(byte[] bytes) => Stream.WriteAsync(bytes).AsTask();

    /// <summary>Closes with a reset instead of a FIN.</summary>
    public void Reset()
    {
        Client.Client.LingerState = new LingerOption(true, 0);
        Client.Close();
    }

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        return ValueTask.CompletedTask;
    }
}
