using System.IO.Pipelines;
using System.Net;
using Engine.Core.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Engine.Core.Transport;

/// <summary>
/// A connection made of two pipes and no socket (as Kestrel's InMemoryTransportConnection): the
/// application side is <see cref="ConnectionContext.Transport"/>, the peer side is
/// <see cref="Peer"/>, which a test (or an embedding program) writes requests into and reads
/// responses from. Protocol handlers run on it unchanged, so protocol tests need no sockets.
/// </summary>
public sealed class InMemoryConnection : ConnectionContext, ITransportConnectionFeature
{
    private static long s_lastId;
    private readonly Pipe _toApplication;
    private readonly Pipe _toPeer;
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closed = new();
    private IFeatureCollection? _features;
    private IDictionary<object, object?>? _items;
    private Action<object?>? _peerReset;
    private object? _peerResetState;
    private int _aborted;

    public InMemoryConnection(EndPoint? localEndPoint = null, EndPoint? remoteEndPoint = null, PipeOptions? options = null)
    {
        options ??= new PipeOptions(useSynchronizationContext: false);
        _toApplication = new Pipe(options);
        _toPeer = new Pipe(options);
        Transport = new DuplexPipe(_toApplication.Reader, _toPeer.Writer);
        Peer = new DuplexPipe(_toPeer.Reader, _toApplication.Writer);
        LocalEndPoint = localEndPoint ?? new IPEndPoint(IPAddress.Loopback, 8080);
        RemoteEndPoint = remoteEndPoint ?? new IPEndPoint(IPAddress.Loopback, 40000);
        Id = Interlocked.Increment(ref s_lastId);
        ConnectionId = $"mem-{Id}";
    }

    public long Id { get; }

    public int LocalPort => (LocalEndPoint as IPEndPoint)?.Port ?? 0;

    /// <summary>The other end: write what the peer sends to its Output, read what the application sent from its Input.</summary>
    public IDuplexPipe Peer { get; }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features => _features ??= ConnectionFeatures.CreateCollection(this);

    public override IDictionary<object, object?> Items
    {
        get => _items ??= new Dictionary<object, object?>();
        set => _items = value;
    }

    public override IDuplexPipe Transport { get; set; }

    public override CancellationToken ConnectionClosed
    {
        get => _closed.Token;
        set => throw new NotSupportedException();
    }

    public override EndPoint? LocalEndPoint { get; set; }

    public override EndPoint? RemoteEndPoint { get; set; }

    /// <summary>True once the application aborted the connection.</summary>
    public bool IsAborted => Volatile.Read(ref _aborted) != 0;

    /// <summary>Completes when the application side disposed the connection (its handler is done).</summary>
    public Task Disposed => _disposed.Task;

    public void OnPeerReset(Action<object?> callback, object? state)
    {
        _peerResetState = state;
        _peerReset = callback;
    }

    /// <summary>
    /// Acts out a peer reset as the socket transport reports one: the reset callback runs and the
    /// application's input ends (cleanly, as a socket's receive loop ends it; the callback is how
    /// a handler tells a reset from a FIN).
    /// </summary>
    public void ResetFromPeer()
    {
        _peerReset?.Invoke(_peerResetState);
        _toApplication.Writer.Complete();
        _toPeer.Reader.Complete();
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }
        // As a socket abort does: the application's pending read ends (cleanly), and the peer
        // sees the connection fail.
        _toApplication.Writer.Complete();
        _toPeer.Writer.Complete(abortReason);
        _toApplication.Reader.CancelPendingRead();
        _closed.Cancel();
    }

#pragma warning disable CA2215 // ConnectionContext.DisposeAsync does nothing to call.
    public override ValueTask DisposeAsync()
#pragma warning restore CA2215
    {
        // Graceful end: what the application wrote stays readable by the peer, then the end.
        _toPeer.Writer.Complete();
        _toApplication.Reader.Complete();
        _closed.Cancel();
        _disposed.TrySetResult();
        return ValueTask.CompletedTask;
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
