using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Engine.TestSupport.Net;

/// <summary>
/// An in-process origin on 127.0.0.1 whose behaviour each test scripts: answer, stall, reset in
/// the middle of a body, close idle connections. Written on plain sockets, independent of the
/// engine. Counts connections and requests so tests can assert on reuse.
/// </summary>
public sealed class ScriptedOrigin : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<OriginExchange, Task> _handler;
    private readonly bool _discardBodies;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _acceptLoop;
    private int _connections;
    private int _requests;

    /// <param name="discardBodies">Count request body bytes instead of keeping them (for huge uploads).</param>
    public ScriptedOrigin(Func<OriginExchange, Task> handler, bool discardBodies = false)
    {
        _handler = handler;
        _discardBodies = discardBodies;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(1024);
        _acceptLoop = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public string Url => $"http://{EndPoint}";

    public int Connections => Volatile.Read(ref _connections);

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>An origin that answers every request with 200 and <paramref name="body"/>.</summary>
    public static ScriptedOrigin Fixed(string body = "hello world\n") =>
        new(exchange => exchange.RespondAsync(200, body));

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            client.NoDelay = true;
            Interlocked.Increment(ref _connections);
            lock (_clients)
            {
                _clients.Add(client);
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        var connection = new OriginConnection(client, Volatile.Read(ref _connections));
        try
        {
            while (!connection.Closed)
            {
                var sink = _discardBodies ? new CountingStream() : null;
                RawMessage? request = await connection.Reader.ReadRequestAsync(sink);
                if (request == null)
                {
                    break;
                }
                Interlocked.Increment(ref _requests);
                await _handler(new OriginExchange(connection, request) { DiscardedBodyLength = sink?.Count ?? 0 });
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or EndOfStreamException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
        lock (_clients)
        {
            foreach (TcpClient client in _clients)
            {
                client.Dispose();
            }
        }
        _stop.Dispose();
    }
}

/// <summary>One accepted connection at the origin.</summary>
public sealed class OriginConnection(TcpClient client, int number)
{
    public TcpClient Client { get; } = client;

    public NetworkStream Stream { get; } = client.GetStream();

    public RawHttpReader Reader { get; } = new(client.GetStream());

    /// <summary>1 for the first connection the origin accepted, and so on.</summary>
    public int Number { get; } = number;

    public bool Closed { get; private set; }

    public Task WriteAsync(string text) => Stream.WriteAsync(Encoding.Latin1.GetBytes(text)).AsTask();

    public void Close()
    {
        Closed = true;
        Client.Client.Shutdown(SocketShutdown.Both);
        Client.Close();
    }

    public void Reset()
    {
        Closed = true;
        Client.Client.LingerState = new LingerOption(true, 0);
        Client.Close();
    }
}

/// <summary>A request the origin received, and the means to answer it.</summary>
public sealed record OriginExchange(OriginConnection Connection, RawMessage Request)
{
    /// <summary>Body bytes received when the origin discards bodies.</summary>
    public long DiscardedBodyLength { get; init; }

    public Task RespondAsync(int status, string body, string extraHeaders = "") =>
        Connection.WriteAsync($"HTTP/1.1 {status} X\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n{extraHeaders}\r\n{body}");
}
