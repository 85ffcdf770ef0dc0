using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Engine.Core.Transport;
using Microsoft.AspNetCore.Connections;

namespace Engine.TestSupport.Net;

/// <summary>
/// The client end of an <see cref="InMemoryConnection"/> whose application end runs a
/// connection pipeline, as <c>EntrypointListener</c> runs an accepted socket: the pipeline is
/// awaited, an exception aborts the connection, and the connection is disposed at the end. The
/// test writes raw request bytes, reads raw response bytes (through the same independent
/// <see cref="RawHttpReader"/> the socket tests use), and can tell when the handler finished.
/// Every wait is bounded by <see cref="Timeout"/>: a hang fails the test with a
/// <see cref="TimeoutException"/> instead of hanging the run.
/// </summary>
/// <remarks>
/// The pipes resume their readers on the thread pool (the transport's default), as a client on
/// the other side of a kernel would: the handler and the test's client do not run inside each
/// other's calls. A test host's pool is small (two threads on two cores, and the runner keeps
/// two of its threads blocked), so a handler would wait for thread injection (0.5 s at a time);
/// the first client raises the pool's minimum. Nothing the handler runs sees the test's
/// synchronization context.
/// </remarks>
public sealed class InMemoryClient : IAsyncDisposable
{
    /// <summary>How long any single wait may take unless a test says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    static InMemoryClient()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
    }

    private InMemoryClient(InMemoryConnection connection, TimeSpan timeout)
    {
        Connection = connection;
        Timeout = timeout;
        Stream = new PeerStream(connection.Peer, timeout);
        Reader = new RawHttpReader(Stream);
    }

    /// <summary>The connection; its <see cref="InMemoryConnection.Peer"/> is this client's side.</summary>
    public InMemoryConnection Connection { get; }

    public TimeSpan Timeout { get; }

    /// <summary>The peer side as a stream: reads what the application sent, writes what it will read.</summary>
    public Stream Stream { get; }

    public RawHttpReader Reader { get; }

    /// <summary>
    /// Completes when the pipeline returned and the connection was disposed; faults with what the
    /// pipeline threw, if it threw (the connection was aborted then, as the listener does).
    /// </summary>
    public Task Handled { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Opens a connection and starts <paramref name="pipeline"/> on it, as a listener does for an
    /// accepted socket: it runs inline until its first wait, then this returns.
    /// </summary>
    public static InMemoryClient Start(ConnectionDelegate pipeline, EndPoint? localEndPoint = null, EndPoint? remoteEndPoint = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var client = new InMemoryClient(new InMemoryConnection(localEndPoint, remoteEndPoint), timeout ?? DefaultTimeout);
        using (NoContext())
        {
            client.Handled = RunAsync(pipeline, client.Connection);
        }
        return client;
    }

    private static async Task RunAsync(ConnectionDelegate pipeline, InMemoryConnection connection)
    {
        try
        {
            await pipeline(connection);
        }
        catch (Exception ex)
        {
            connection.Abort(new ConnectionAbortedException("The pipeline failed.", ex));
            throw;
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public Task SendAsync(byte[] bytes) => Stream.WriteAsync(bytes).AsTask();

    /// <summary>Reads one response and returns its raw bytes, exactly as they arrived.</summary>
    public async Task<byte[]> ReadResponseBytesAsync(bool noBody = false)
    {
        var transcript = new MemoryStream();
        Reader.Transcript = transcript;
        try
        {
            _ = await Reader.ReadResponseAsync(noBody) ?? throw new EndOfStreamException("The connection ended before a response.");
        }
        finally
        {
            Reader.Transcript = null;
        }
        return transcript.ToArray();
    }

    /// <summary>Everything the application sends until it ends the connection (gracefully or by an abort).</summary>
    public Task<byte[]> ReadToEndAsync() => Reader.ReadToEndAsync();

    /// <summary>The client's FIN: it sends nothing more, and can still read.</summary>
    public void Shutdown()
    {
        using (NoContext())
        {
            Connection.Peer.Output.Complete();
        }
    }

    /// <summary>The client resets the connection (see <see cref="InMemoryConnection.ResetFromPeer"/>).</summary>
    public void Reset()
    {
        using (NoContext())
        {
            Connection.ResetFromPeer();
        }
    }

    /// <summary>Waits (bounded) for the handler to finish with the connection.</summary>
    public async Task WaitHandledAsync(TimeSpan? timeout = null)
    {
        try
        {
            await Handled.WaitAsync(timeout ?? Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The handler of {Connection.ConnectionId} did not finish within {timeout ?? Timeout}.");
        }
    }

    /// <summary>Closes both directions, as closing a socket does; does not wait for the handler.</summary>
    public ValueTask DisposeAsync()
    {
        using (NoContext())
        {
            Connection.Peer.Output.Complete();
            Connection.Peer.Input.Complete();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Clears the synchronization context until disposed: code that runs inline from here (the handler) must not capture it.</summary>
    private static ContextScope NoContext()
    {
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        return new ContextScope(previous);
    }

    private readonly struct ContextScope(SynchronizationContext? previous) : IDisposable
    {
        public void Dispose() => SynchronizationContext.SetSynchronizationContext(previous);
    }

    /// <summary>
    /// The peer's pipes as a stream with socket-like errors: an aborted or reset connection is an
    /// <see cref="IOException"/>, a wait longer than the timeout a <see cref="TimeoutException"/>.
    /// </summary>
    private sealed class PeerStream(IDuplexPipe peer, TimeSpan timeout) : Stream
    {
        private readonly PipeReader _input = peer.Input;
        private readonly PipeWriter _output = peer.Output;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(timeout);
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await _input.ReadAsync(bounded.Token);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (OperationCanceledException ex) when (ex is not ConnectionAbortedException && bounded.IsCancellationRequested)
                {
                    throw new TimeoutException($"Nothing to read for {timeout}.");
                }
                catch (Exception ex)
                {
                    // The application aborted (a socket would see a reset), or this side is closed.
                    throw new IOException(ex.Message, ex);
                }
                ReadOnlySequence<byte> data = result.Buffer;
                if (!data.IsEmpty)
                {
                    int length = (int)Math.Min(data.Length, buffer.Length);
                    data.Slice(0, length).CopyTo(buffer.Span);
                    _input.AdvanceTo(data.GetPosition(length));
                    return length;
                }
                _input.AdvanceTo(data.End);
                if (result.IsCompleted)
                {
                    return 0;
                }
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(timeout);
            try
            {
                // A completed result means the application stopped reading; as with a socket
                // whose peer closed, the bytes are lost without an error here.
                await _output.WriteAsync(buffer, bounded.Token);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException) when (bounded.IsCancellationRequested)
            {
                throw new TimeoutException($"The application read nothing for {timeout}.");
            }
            catch (Exception ex)
            {
                throw new IOException(ex.Message, ex);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
