using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Engine.Core.Transport;

/// <summary>
/// One TCP connection as a <see cref="ConnectionContext"/>: a receive loop fills the input pipe
/// from the socket and a send loop drains the output pipe into it. Both directions apply
/// backpressure through the pipes' thresholds, and socket failures end a loop as values.
/// </summary>
public sealed partial class SocketConnection : ConnectionContext, Connections.ITransportConnectionFeature, Connections.IFeatureCollectionOwner
{
    private readonly Socket _socket;
    private readonly SocketTransportOptions _options;
    private readonly SocketReceiver _receiver;
    private readonly SocketSender _sender;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDuplexPipe? _transport;
    private CancellationTokenSource? _closedTokenSource;
    private IFeatureCollection? _features;
    private IDictionary<object, object?>? _items;
    private string? _connectionId;
    private int _loopsRunning;
    private int _aborted;
    private SocketError _receiveError;
    private Task _sendLoop = Task.CompletedTask;
    private Action<object?>? _receiveFaulted;
    private object? _receiveFaultedState;

    private const int MinReceiveSize = 2048;

    private static long s_lastConnectionId;

    internal SocketConnection(Socket socket, SocketTransportOptions options)
    {
        _socket = socket;
        _options = options;
        _receiver = new SocketReceiver(options.Scheduler);
        _sender = new SocketSender(options.Scheduler);
        RemoteEndPoint = socket.RemoteEndPoint;
        Id = Interlocked.Increment(ref s_lastConnectionId);

        // The receive loop writes the input pipe and the application reads it; the application
        // writes the output pipe and the send loop reads it. Resume thresholds at half the pause
        // threshold keep a steady flow without waking on every byte.
        _input = new Pipe(options.InputPipeOptions);
        _output = new Pipe(options.OutputPipeOptions);
    }

    /// <summary>Process-unique number, cheap to log and to key on.</summary>
    public long Id { get; }

    public Socket Socket => _socket;

    public override string ConnectionId
    {
        get => _connectionId ??= Id.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        set => _connectionId = value;
    }

    // Created on first use with the transport feature in it, so a step that wraps this context
    // (and delegates Features) still hands the handler the transport feature.
    public override IFeatureCollection Features => _features ??= Connections.ConnectionFeatures.CreateCollection(this);

    public bool HasFeatures => _features != null;

    /// <summary>The local port: the listener's, set at accept; else read from the socket on first use.</summary>
    public int LocalPort
    {
        get => _localPort != 0 ? _localPort : _localPort = (LocalEndPoint as IPEndPoint)?.Port ?? 0;
        internal set => _localPort = value;
    }

    private int _localPort;

    void Connections.ITransportConnectionFeature.OnPeerReset(Action<object?> callback, object? state) => OnReceiveFaulted(callback, state);

    public override IDictionary<object, object?> Items
    {
        get => _items ??= new ConnectionItems();
        set => _items = value;
    }

    public override IDuplexPipe Transport
    {
        get => _transport ??= new DuplexPipe(_input.Reader, _output.Writer);
        set => _transport = value;
    }

    /// <summary>The application side of the input pipe (what arrived from the peer).</summary>
    public PipeReader Input => _input.Reader;

    /// <summary>The application side of the output pipe (what goes to the peer).</summary>
    public PipeWriter Output => _output.Writer;

    public override CancellationToken ConnectionClosed
    {
        get
        {
            if (_closedTokenSource == null)
            {
                var source = new CancellationTokenSource();
                if (Interlocked.CompareExchange(ref _closedTokenSource, source, null) != null)
                {
                    source.Dispose();
                }
                else if (_closed.Task.IsCompleted)
                {
                    source.Cancel();
                }
            }
            return _closedTokenSource!.Token;
        }
        set => throw new NotSupportedException();
    }

    /// <summary>True once either loop has seen the connection end (FIN, reset, abort).</summary>
    public bool IsClosed => _closed.Task.IsCompleted || Volatile.Read(ref _aborted) != 0;

    /// <summary>The socket error that ended the receive loop, Success for a clean FIN.</summary>
    public SocketError ReceiveError => _receiveError;

    /// <summary>Completes when both loops have finished and the socket is closed.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Starts the receive and send loops. Called once by the listener or connector.</summary>
    public void Start()
    {
        _loopsRunning = 2;
        _ = ReceiveLoopAsync();
        _sendLoop = SendLoopAsync();
    }

    /// <summary>
    /// Registers a callback for the peer resetting the connection (not for a clean FIN, not for
    /// our own abort), so a handler waiting on something else (an upstream) can stop early.
    /// One per connection; set it before the peer can fail, i.e. right after accepting.
    /// </summary>
    public void OnReceiveFaulted(Action<object?> callback, object? state)
    {
        _receiveFaultedState = state;
        _receiveFaulted = callback;
    }

    /// <summary>Ends the connection now: pending reads complete, unsent bytes are dropped.</summary>
    public override void Abort(ConnectionAbortedException abortReason) => Abort();

    public override void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }
        // Disposing the socket fails any pending receive/send with OperationAborted, which ends
        // both loops; cancelling the pipes wakes a loop parked on a pipe instead of the socket.
        _socket.Dispose();
        _input.Writer.CancelPendingFlush();
        _output.Reader.CancelPendingRead();
    }

#pragma warning disable CA2215 // ConnectionContext.DisposeAsync does nothing; the loops own the socket.
    /// <summary>
    /// Ends the connection gracefully: what the application wrote is sent, then FIN, then the
    /// socket closes. A handler that must read what the peer still sends before closing (a
    /// lingering close after an error) completes <see cref="Output"/> first, drains
    /// <see cref="Input"/>, then disposes.
    /// </summary>
    public override async ValueTask DisposeAsync()
#pragma warning restore CA2215
    {
        _output.Writer.Complete();
        _input.Reader.Complete();
        await _sendLoop.ConfigureAwait(false);
        // The receive loop may sit in a zero-byte read that no peer will complete; closing the
        // socket ends it (OperationAborted), and the FIN already went out with the send side.
        Interlocked.Exchange(ref _aborted, 1);
        _socket.Dispose();
        _input.Writer.CancelPendingFlush();
        await _closed.Task.ConfigureAwait(false);
    }

    private void OnLoopCompleted()
    {
        if (Interlocked.Decrement(ref _loopsRunning) != 0)
        {
            return;
        }
        _socket.Dispose();
        _closedTokenSource?.Cancel();
        _closed.TrySetResult();
    }

    private async Task ReceiveLoopAsync()
    {
        Exception? error = null;
        PipeWriter input = _input.Writer;
        try
        {
            while (true)
            {
                if (_options.WaitForDataBeforeAllocatingBuffer)
                {
                    SocketOperationResult wait = await _receiver.WaitForDataAsync(_socket);
                    if (wait.HasError)
                    {
                        _receiveError = wait.Error;
                        break;
                    }
                }

                // Ask for at least half a block: a receive into the last few bytes of a block
                // would split the next message head across segments for no gain.
                Memory<byte> buffer = input.GetMemory(MinReceiveSize);
                SocketOperationResult received = await _receiver.ReceiveAsync(_socket, buffer);
                if (received.HasError)
                {
                    _receiveError = received.Error;
                    break;
                }
                if (received.BytesTransferred == 0)
                {
                    // A reset can surface as a plain end of input; the TCP state tells them apart.
                    if (WasResetByPeer())
                    {
                        _receiveError = SocketError.ConnectionReset;
                    }
                    break;
                }
                input.Advance(received.BytesTransferred);

                FlushResult flush = await input.FlushAsync();
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break; // the application stopped reading, or Abort
                }
            }
        }
        catch (Exception ex)
        {
            Debug.Fail($"Receive loop threw: {ex}");
            error = ex;
        }
        finally
        {
            // The pipe completes without an exception even on a reset: readers see the end of
            // input as a value, and those who care ask ReceiveError or registered a callback.
            input.Complete(error);
            if (_receiveError != SocketError.Success && !IsAbortedByUs)
            {
                _output.Reader.CancelPendingRead();
                _receiveFaulted?.Invoke(_receiveFaultedState);
            }
            OnLoopCompleted();
        }
    }

    private bool IsAbortedByUs => Volatile.Read(ref _aborted) != 0;

    /// <summary>
    /// True when the kernel has the connection in TCP_CLOSE (a reset arrived) rather than
    /// CLOSE_WAIT (the peer sent FIN and may still read). Linux's TCP_INFO starts with the
    /// state byte; elsewhere the option is unavailable and a clean end of input is assumed.
    /// </summary>
    private bool WasResetByPeer()
    {
        const int SolTcp = 6;
        const int TcpInfo = 11;
        const byte TcpClose = 7;
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        Span<byte> info = stackalloc byte[8];
        try
        {
            return _socket.GetRawSocketOption(SolTcp, TcpInfo, info) >= 1 && info[0] == TcpClose;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task SendLoopAsync()
    {
        PipeReader output = _output.Reader;
        bool shutdown = true;
        try
        {
            while (true)
            {
                ReadResult result = await output.ReadAsync();
                if (result.IsCanceled)
                {
                    shutdown = false;
                    break;
                }
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    SocketOperationResult sent = await _sender.SendAsync(_socket, buffer);
                    if (sent.HasError)
                    {
                        shutdown = false;
                        break;
                    }
                }
                output.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            Debug.Fail($"Send loop threw: {ex}");
            shutdown = false;
        }
        finally
        {
            if (shutdown && !IsAbortedByUs)
            {
                try
                {
                    _socket.Shutdown(SocketShutdown.Send);
                }
                catch (SocketException)
                {
                    // The peer already reset; nothing left to say to it.
                }
                catch (ObjectDisposedException)
                {
                }
            }
            output.Complete();
            if (!shutdown)
            {
                // Without a send side the connection is over: stop the receive loop too.
                Abort();
            }
            OnLoopCompleted();
        }
    }

    private EndPoint? _localEndPoint;

    /// <summary>Read from the socket on first use: most connections never ask.</summary>
    public override EndPoint? LocalEndPoint
    {
        get => _localEndPoint ??= _socket.LocalEndPoint;
        set => _localEndPoint = value;
    }

    public override EndPoint? RemoteEndPoint { get; set; }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
