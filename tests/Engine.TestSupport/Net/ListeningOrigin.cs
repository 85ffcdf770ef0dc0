using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Engine.TestSupport.Net;

/// <summary>
/// An origin on loopback that reads one request head and then either answers 413 at once or
/// keeps reading without answering; it reports when its connection ends.
/// </summary>
public sealed class ListeningOrigin : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly bool _answerAtOnce;
    private readonly Task _serve;

    public ListeningOrigin(bool answerAtOnce)
    {
        _answerAtOnce = answerAtOnce;
        _listener.Start();
        _serve = ServeAsync();
    }

    public TaskCompletionSource HeadReceived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Url => $"http://{_listener.LocalEndpoint}";

    private async Task ServeAsync()
    {
        try
        {
            using TcpClient client = await _listener.AcceptTcpClientAsync();
            NetworkStream stream = client.GetStream();
            var buffer = new byte[64 * 1024];
            var head = new StringBuilder();
            while (true)
            {
                int read = await stream.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }
                if (!HeadReceived.Task.IsCompleted)
                {
                    head.Append(Encoding.Latin1.GetString(buffer, 0, read));
                    if (head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        HeadReceived.TrySetResult();
                        if (_answerAtOnce)
                        {
                            await stream.WriteAsync("HTTP/1.1 413 Content Too Large\r\nContent-Length: 9\r\nConnection: close\r\n\r\ntoo large"u8.ToArray());
                        }
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            Closed.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _serve.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
