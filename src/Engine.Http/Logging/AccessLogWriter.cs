using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Engine.Core.Configuration;

namespace Engine.Http.Logging;

/// <summary>
/// The access log: <see cref="Write"/> formats a finished request into a pooled buffer on the
/// calling thread and queues it; one dedicated thread drains the queue into the file (or stdout)
/// in batches. The request path never waits for the disk: when <see cref="AccessLogConfig.BufferSize"/>
/// lines are already waiting, a line is dropped and counted in <see cref="DroppedLines"/>.
/// </summary>
/// <remarks>
/// Steady state allocates nothing per line on the calling thread: line buffers are fixed-size
/// arrays the writer thread hands back through a lock-free ring (<see cref="BoundedRing{T}"/>),
/// and the queue itself is such a ring. A line longer than <see cref="LineBufferSize"/> (a long
/// target or host) borrows from <see cref="ArrayPool{T}.Shared"/> instead.
/// Memory is bounded by BufferSize x <see cref="LineBufferSize"/> (16 MiB at the default 16384)
/// plus one batch; buffers are created only as a backlog needs them and then kept for reuse.
/// Rotation is move-then-signal (<see cref="Reopen"/>); logrotate's copytruncate is not
/// supported, because .NET opens the file without O_APPEND and keeps writing at its own offset.
/// </remarks>
public sealed partial class AccessLogWriter : IAsyncDisposable
{
    /// <summary>The pooled line size: a typical JSON line is 300-500 bytes.</summary>
    internal const int LineBufferSize = 1024;

    /// <summary>A line that does not fit this much is dropped (a request head is at most a few tens of KiB).</summary>
    private const int MaxLineSize = 16 * 1024 * 1024;

    private readonly AccessLogFormat _format;
    private readonly int _capacity;
    private readonly int _highWater;
    private readonly Func<Stream> _openStream;
    private readonly TimeProvider _timeProvider;
    private readonly BoundedRing<QueuedLine> _queue;
    private readonly BoundedRing<byte[]> _freeBuffers;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Task _drainTask;

    // Lines reserved by Write (formatting or queued) and not yet taken by the writer thread: the
    // admission count that makes the queue hold exactly BufferSize lines, whatever the ring size.
    private long _pending;
    private long _written;
    private long _dropped;
    private long _writeErrors;

    // Parked or Napping while the writer thread rests (or is about to) on _wake; see WakeIfSleeping.
    private int _sleeping;
    private int _reopenRequested;
    private int _stopping;

    /// <summary>
    /// Opens the log now (so a bad path fails at start-up, not at the first request) and starts
    /// the writer thread.
    /// </summary>
    /// <param name="openStream">
    /// Opens the sink; called again on each <see cref="Reopen"/>. Null opens
    /// <see cref="AccessLogConfig.Path"/>: stdout, or the file in append mode.
    /// </param>
    /// <param name="timeProvider">Measures the <see cref="DrainTimeout"/> of <see cref="DisposeAsync"/>.</param>
    public AccessLogWriter(AccessLogConfig config, Func<Stream>? openStream = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!AccessLogFormats.TryParse(config.Format, out _format))
        {
            throw new ArgumentException($"'{config.Format}' is not an access log format; expected json or common.", nameof(config));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(config.BufferSize, nameof(config));

        Config = config;
        _capacity = config.BufferSize;
        _highWater = _capacity / 2;
        _openStream = openStream ?? DefaultOpener(config.Path);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _queue = new BoundedRing<QueuedLine>(_capacity);
        // As many free buffers as lines can wait; a surplus (lines being formatted while the
        // queue is full of others) goes back to the GC.
        _freeBuffers = new BoundedRing<byte[]>(_capacity);
        _stream = _openStream();
        _drainTask = Task.Factory.StartNew(DrainLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public AccessLogFormat Format => _format;

    /// <summary>The settings this writer was opened with (a reload compares them to decide whether to reopen).</summary>
    public AccessLogConfig Config { get; }

    /// <summary>Lines handed to the sink.</summary>
    public long WrittenLines => Interlocked.Read(ref _written);

    /// <summary>Lines lost: queue full, written after disposal, or failed in the sink.</summary>
    public long DroppedLines => Interlocked.Read(ref _dropped);

    /// <summary>Failed writes, flushes and reopens of the sink (each may lose a batch of lines).</summary>
    public long WriteErrors => Interlocked.Read(ref _writeErrors);

    /// <summary>Lines waiting for the writer thread now.</summary>
    public long QueuedLines => Math.Max(Interlocked.Read(ref _pending), 0);

    /// <summary>How long <see cref="DisposeAsync"/> waits for queued lines to reach the sink.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Formats <paramref name="record"/> now (its spans live only for this call) and queues the
    /// line. Safe from any number of threads; never blocks and never throws.
    /// </summary>
    public void Write(in AccessLogRecord record)
    {
        // :: Step 1: reserve a place in the queue, or drop. Reserving before formatting means
        // an overloaded log spends nothing on lines it will not keep.
        long reserved = Interlocked.Increment(ref _pending);
        if (reserved > _capacity || Volatile.Read(ref _stopping) != 0)
        {
            Interlocked.Decrement(ref _pending);
            Interlocked.Increment(ref _dropped);
            return;
        }

        // :: Step 2: format into a pooled buffer.
        byte[] buffer = RentLineBuffer();
        if (!AccessLogFormatter.TryFormat(in record, _format, buffer, out int length))
        {
            ReturnLineBuffer(buffer);
            if (!TryFormatLong(in record, out buffer, out length))
            {
                Interlocked.Decrement(ref _pending);
                Interlocked.Increment(ref _dropped);
                return;
            }
        }

        // :: Step 3: queue it. The reservation guarantees a free slot: the ring has at least
        // _capacity slots and the writer thread frees a slot before it releases a reservation.
        bool queued = _queue.TryEnqueue(new QueuedLine(buffer, length));
        Debug.Assert(queued, "A reserved line must find a free slot in the ring.");

        // :: Step 4: wake the writer thread if it is parked, or napping with the queue past
        // half full (see DrainLoop Step 4). Thread A (here) publishes the line and then reads
        // _sleeping; thread B (the writer) sets _sleeping and then looks at the queue. Without a
        // full fence on both sides each could read the other's old value (a store-load
        // reordering) and B would park on a non-empty queue. The publish in TryEnqueue is only a
        // release store, so the fence is here.
        Interlocked.MemoryBarrier();
        int sleeping = Volatile.Read(ref _sleeping);
        if (sleeping == Parked || (sleeping == Napping && reserved > _highWater))
        {
            WakeIfSleeping();
        }
    }

    /// <summary>
    /// Closes and reopens the sink before the next batch: after logrotate has moved the file
    /// away, lines written after this call land in a new file at the configured path. Safe from
    /// a signal handler's thread.
    /// </summary>
    public void Reopen()
    {
        Volatile.Write(ref _reopenRequested, 1);
        Interlocked.MemoryBarrier();
        WakeIfSleeping();
    }

    /// <summary>
    /// Stops accepting lines, lets the writer thread drain what is queued and close the sink,
    /// waiting up to <see cref="DrainTimeout"/>. A sink stuck in a write past that is left to
    /// its (background) thread, which still writes the queued lines if the sink ever unblocks;
    /// they are not counted as dropped, since they may yet arrive (<see cref="QueuedLines"/>
    /// says how many wait).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _stopping, 1);
        WakeIfSleeping();
        try
        {
            await _drainTask.WaitAsync(DrainTimeout, _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Deliberately not closing the sink from here: the writer thread is inside a call on
            // it, and a stream is not safe for concurrent use.
        }
    }

    private byte[] RentLineBuffer() =>
        _freeBuffers.TryDequeue(out byte[] buffer) ? buffer : GC.AllocateUninitializedArray<byte>(LineBufferSize);

    /// <summary>Called by the writer thread (and by Write when a line outgrows its buffer).</summary>
    private void ReturnLineBuffer(byte[] buffer)
    {
        if (buffer.Length == LineBufferSize)
        {
            _freeBuffers.TryEnqueue(buffer);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The rare long line: retry in doubling pooled arrays. Kept out of Write so it stays small.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryFormatLong(in AccessLogRecord record, out byte[] buffer, out int length)
    {
        for (int size = 4 * LineBufferSize; size <= MaxLineSize; size *= 2)
        {
            buffer = ArrayPool<byte>.Shared.Rent(size);
            if (AccessLogFormatter.TryFormat(in record, _format, buffer, out length))
            {
                return true;
            }
            ArrayPool<byte>.Shared.Return(buffer);
        }
        buffer = [];
        length = 0;
        return false;
    }

    private void WakeIfSleeping()
    {
        // Whoever swaps a rest to Awake owns the one Release that matches the writer thread's one Wait.
        if (Interlocked.Exchange(ref _sleeping, Awake) != Awake)
        {
            _wake.Release();
        }
    }

    private static Func<Stream> DefaultOpener(string path)
    {
        if (path == "stdout")
        {
            // A dup of fd 1: closing it on Reopen or disposal leaves the process's stdout open.
            return Console.OpenStandardOutput;
        }

        return () => new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            // Readers (tail -f, shippers) and logrotate's rename/unlink must not be locked out.
            Share = FileShare.ReadWrite | FileShare.Delete,
            // The writer thread batches; a FileStream buffer would only copy every byte twice.
            BufferSize = 0,
        });
    }

    /// <summary>One formatted line waiting in the queue, in a buffer the writer thread returns.</summary>
    private readonly record struct QueuedLine(byte[] Buffer, int Length);
}
