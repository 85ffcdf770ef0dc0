using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Engine.Core.Transport;

/// <summary>
/// A reusable <see cref="SocketAsyncEventArgs"/> that can be awaited as a
/// <see cref="ValueTask{SocketOperationResult}"/>: one instance per direction per connection, so
/// a socket operation allocates nothing. Only one operation may be outstanding at a time.
/// </summary>
internal class SocketAwaitableEventArgs : SocketAsyncEventArgs, IValueTaskSource<SocketOperationResult>
{
    private static readonly Action<object?> s_completedSentinel = static _ => Debug.Fail("Continuation of a completed operation ran.");

    private readonly PipeScheduler _ioScheduler;
    private Action<object?>? _continuation;
    private object? _continuationState;

    public SocketAwaitableEventArgs(PipeScheduler ioScheduler)
        : base(unsafeSuppressExecutionContextFlow: true)
    {
        _ioScheduler = ioScheduler;
    }

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        Action<object?>? continuation = _continuation;
        if (continuation != null || (continuation = Interlocked.CompareExchange(ref _continuation, s_completedSentinel, null)) != null)
        {
            object? state = _continuationState;
            _continuationState = null;
            _continuation = s_completedSentinel;
            _ioScheduler.Schedule(continuation, state);
        }
    }

    /// <summary>Turns a started operation into an awaitable: completed inline when the socket finished synchronously.</summary>
    protected ValueTask<SocketOperationResult> Complete(bool pending)
    {
        if (pending)
        {
            return new ValueTask<SocketOperationResult>(this, 0);
        }
        SocketOperationResult result = SocketError == SocketError.Success
            ? new SocketOperationResult(BytesTransferred)
            : new SocketOperationResult(SocketError);
        return new ValueTask<SocketOperationResult>(result);
    }

    public SocketOperationResult GetResult(short token)
    {
        _continuation = null;
        return SocketError == SocketError.Success
            ? new SocketOperationResult(BytesTransferred)
            : new SocketOperationResult(SocketError);
    }

    public ValueTaskSourceStatus GetStatus(short token) =>
        !ReferenceEquals(_continuation, s_completedSentinel) ? ValueTaskSourceStatus.Pending :
        SocketError == SocketError.Success ? ValueTaskSourceStatus.Succeeded :
        ValueTaskSourceStatus.Faulted;

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        _continuationState = state;
        if (ReferenceEquals(Interlocked.CompareExchange(ref _continuation, continuation, null), s_completedSentinel))
        {
            // The operation finished between the caller's pending check and this registration.
            // Queue rather than run inline so a burst of such races cannot dive the stack.
            _continuationState = null;
            ThreadPool.UnsafeQueueUserWorkItem(continuation, state, preferLocal: true);
        }
    }
}
