using System.IO.Pipelines;
using Engine.Core.Transport;
using Engine.Http.Http1;

namespace Engine.Http.Proxy;

/// <summary>
/// A connection to one destination, with the per-connection state an exchange needs (the
/// response head and the chunked decoder). It belongs to its <see cref="UpstreamPool"/>: it is
/// either idle in the pool or leased to exactly one exchange.
/// </summary>
internal sealed partial class UpstreamConnection
{
    private byte[]? _headScratch;
    private int _disposed;

    public UpstreamConnection(SocketConnection connection, UpstreamPool pool, int maxHeaders)
    {
        Connection = connection;
        Pool = pool;
        ResponseHead = new HttpResponseHead(maxHeaders);
    }

    public SocketConnection Connection { get; }

    public UpstreamPool Pool { get; }

    public PipeReader Input => Connection.Input;

    public PipeWriter Output => Connection.Output;

    public HttpResponseHead ResponseHead { get; }

    public ChunkedDecoder Decoder;

    /// <summary>Heartbeat timestamp at which the connection went idle in the pool.</summary>
    public long IdleSince { get; set; }

    /// <summary>Exchanges completed on this connection; 0 means it was never used.</summary>
    public int CompletedExchanges { get; set; }

    /// <summary>Set when the heartbeat aborted the exchange because the response head was late.</summary>
    public volatile bool TimedOut;

    /// <summary>
    /// True when an idle connection can carry a request: the origin has not closed it and sent
    /// nothing unsolicited. Runs on the leasing thread before the first write.
    /// </summary>
    public bool IsReusable()
    {
        if (Connection.IsClosed)
        {
            return false;
        }
        if (Input.TryRead(out ReadResult result))
        {
            bool clean = result.Buffer.IsEmpty && !result.IsCompleted && !result.IsCanceled;
            Input.AdvanceTo(result.Buffer.Start);
            return clean;
        }
        return true;
    }

    /// <summary>A scratch buffer for a response head that spans pipe segments (rare).</summary>
    public byte[] HeadScratch(int size)
    {
        if (_headScratch == null || _headScratch.Length < size)
        {
            _headScratch = new byte[size];
        }
        return _headScratch;
    }

    /// <summary>
    /// Fails the socket; safe from any thread (heartbeat, the downstream's reset callback, the
    /// body forwarder). The owner's pending reads then see the input end; the owner still calls
    /// <see cref="Close"/>.
    /// </summary>
    public void Abort() => Connection.Abort();

    /// <summary>
    /// Closes the connection for good and frees its pool slot. Only the owner calls it (the
    /// exchange that leased it, or the pool while it is idle), and only when no other thread is
    /// using its pipes, since completing a pipe end races with a pending read or write on it.
    /// </summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        Connection.Abort();
        Input.Complete();
        Output.Complete();
        Pool.OnConnectionClosed();
    }
}
