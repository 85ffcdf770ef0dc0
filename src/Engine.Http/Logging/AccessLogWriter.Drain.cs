namespace Engine.Http.Logging;

/// <summary>The writer thread: the only code that touches the sink.</summary>
public sealed partial class AccessLogWriter
{
    /// <summary>Bytes gathered before one write to the sink.</summary>
    private const int BatchSize = 64 * 1024;

    /// <summary>
    /// How long the writer thread rests after a busy round: the most a line waits under steady
    /// load (the first line after a quiet spell is written at once). nginx's buffered access_log flushes on a
    /// timer for the same reason. Short, because every line waiting holds a pooled line buffer:
    /// at 40,000 requests/s a 5 ms nap keeps about 200 buffers in use (a 50 ms nap kept 2,000),
    /// for at most 200 wake-ups a second.
    /// </summary>
    private static readonly TimeSpan NapInterval = TimeSpan.FromMilliseconds(5);

    // Values of _sleeping.
    private const int Awake = 0;
    private const int Parked = 1;
    private const int Napping = 2;

    // Owned by the writer thread after construction.
    private Stream _stream;
    private byte[] _batch = [];
    private int _batchLength;
    private int _batchLines;

    private void DrainLoop()
    {
        _batch = GC.AllocateUninitializedArray<byte>(BatchSize);
        while (true)
        {
            // :: Step 1: move queued lines into the batch, writing it whenever it fills.
            bool drainedAny = false;
            while (_queue.TryDequeue(out QueuedLine line))
            {
                drainedAny = true;
                // The slot is free again: release the reservation so Write may use it.
                Interlocked.Decrement(ref _pending);
                // Checked after taking each line, not once per batch: a line dequeued now may
                // have been written after Reopen returned, and it belongs in the new file.
                if (Volatile.Read(ref _reopenRequested) != 0)
                {
                    WriteBatch();
                    ReopenSink();
                }
                Append(line);
                ReturnLineBuffer(line.Buffer);
            }

            // :: Step 2: the queue ran dry: hand everything to the sink now, so a quiet server's
            // log is current rather than up to a batch behind.
            WriteBatch();
            Flush();
            if (Volatile.Read(ref _reopenRequested) != 0)
            {
                ReopenSink();
                continue;
            }

            // :: Step 3: stop once nothing is queued and no Write holds a reservation. A Write
            // that reserved before seeing _stopping still enqueues (and wakes nobody if we are
            // not parked), so poll rather than park while stopping; it lasts microseconds.
            if (Volatile.Read(ref _stopping) != 0)
            {
                if (Interlocked.Read(ref _pending) == 0 && _queue.IsEmpty)
                {
                    break;
                }
                Thread.Sleep(1);
                continue;
            }

            // :: Step 4: rest. After a round that found lines, nap: lines arriving meanwhile wait
            // for the nap's end (or for the queue to pass half full) instead of each paying a
            // futex wake on the request path; under load the writer then runs once per nap.
            // After a round that found none, park until the next line. Either way announce it,
            // then look once more (the fence pairs with the one in Write: see Step 4 there).
            Volatile.Write(ref _sleeping, drainedAny ? Napping : Parked);
            Interlocked.MemoryBarrier();
            bool workArrived = drainedAny
                ? Volatile.Read(ref _pending) > _highWater
                : !_queue.IsEmpty;
            if (workArrived || Volatile.Read(ref _reopenRequested) != 0 || Volatile.Read(ref _stopping) != 0)
            {
                TakeBackRest();
                continue;
            }
            if (drainedAny)
            {
                if (!_wake.Wait(NapInterval))
                {
                    TakeBackRest();
                }
            }
            else
            {
                _wake.Wait();
            }
        }

        CloseSink(_stream);
    }

    /// <summary>
    /// Ends a rest the writer thread announced but did not sleep through. If a waker swapped the
    /// flag first, it has released (or will release) once: consume that, so the semaphore is
    /// back at zero for the next rest.
    /// </summary>
    private void TakeBackRest()
    {
        if (Interlocked.Exchange(ref _sleeping, Awake) == Awake)
        {
            _wake.Wait();
        }
    }

    private void Append(QueuedLine line)
    {
        if (line.Length > _batch.Length - _batchLength)
        {
            WriteBatch();
        }
        if (line.Length > _batch.Length)
        {
            // Longer than a whole batch (a huge target): straight to the sink.
            WriteToSink(line.Buffer.AsSpan(0, line.Length), 1);
            return;
        }
        line.Buffer.AsSpan(0, line.Length).CopyTo(_batch.AsSpan(_batchLength));
        _batchLength += line.Length;
        _batchLines++;
    }

    private void WriteBatch()
    {
        if (_batchLines > 0)
        {
            WriteToSink(_batch.AsSpan(0, _batchLength), _batchLines);
            _batchLength = 0;
            _batchLines = 0;
        }
    }

    private void WriteToSink(ReadOnlySpan<byte> bytes, int lines)
    {
        try
        {
            _stream.Write(bytes);
            Interlocked.Add(ref _written, lines);
        }
        catch (Exception)
        {
            // Disk full, a closed pipe, a revoked file, or whatever an embedder's stream throws:
            // these lines are lost and the next batch tries again. Catching everything is
            // deliberate: an escaped exception would end this thread and silently turn every
            // later line into a drop.
            Interlocked.Increment(ref _writeErrors);
            Interlocked.Add(ref _dropped, lines);
        }
    }

    private void Flush()
    {
        try
        {
            _stream.Flush();
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _writeErrors);
        }
    }

    /// <summary>
    /// Opens the new sink before closing the old: if the open fails (the directory is gone,
    /// permissions changed) lines keep going to the old file rather than nowhere, and the next
    /// Reopen tries again.
    /// </summary>
    private void ReopenSink()
    {
        Volatile.Write(ref _reopenRequested, 0);
        Stream next;
        try
        {
            next = _openStream();
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _writeErrors);
            return;
        }
        Stream previous = _stream;
        _stream = next;
        CloseSink(previous);
    }

    private void CloseSink(Stream stream)
    {
        try
        {
            stream.Dispose();
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _writeErrors);
        }
    }
}
