using System.Buffers;
using System.IO.Pipelines;
using Engine.Core.Transport;
using Engine.Host.Configuration;
using Engine.Http;
using HttpMethod = Engine.Http.HttpMethod;
using Engine.Http.Http1;
using Microsoft.Extensions.Logging;

namespace Engine.Host.Admin;

/// <summary>
/// One admin client connection: HTTP/1.1 with keep-alive and pipelining, Content-Length
/// request bodies, and the limits of <see cref="AdminServerOptions"/>. Requests are answered
/// one at a time, in order.
/// </summary>
internal sealed class AdminConnection
{
    private readonly SocketConnection _connection;
    private readonly AdminRequestHandler _handler;
    private readonly AdminServerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly HttpParserLimits _limits;
    private readonly HttpRequestHead _head = new();
    private readonly byte[] _headBytes;
    private readonly string _remote;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Armed while waiting on the client (head, body), disarmed while the backend works: a slow
    // reload is not the client's fault. Cancelled too when the server stops.
    private readonly CancellationTokenSource _timeout;

    public AdminConnection(SocketConnection connection, AdminRequestHandler handler, AdminServerOptions options, ILogger logger, CancellationToken stopping)
    {
        _connection = connection;
        _handler = handler;
        _options = options;
        _logger = logger;
        _stopping = stopping;
        _limits = new HttpParserLimits { MaxHeadSize = options.MaxRequestHeadSize, MaxRequestLineSize = Math.Min(8 * 1024, options.MaxRequestHeadSize) };
        _headBytes = new byte[options.MaxRequestHeadSize];
        _remote = connection.RemoteEndPoint?.ToString() ?? "?";
        _timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, options.TimeProvider);
    }

    /// <summary>Completes when the connection is closed and disposed.</summary>
    public Task Closed => _closed.Task;

    private PipeReader Input => _connection.Input;

    /// <summary>Serves requests until the client closes, a limit or timeout is hit, or the server stops.</summary>
    public async Task RunAsync()
    {
        bool linger = false;
        string reason = "client closed";
        CancellationTokenRegistration onStop = _stopping.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _timeout);
        try
        {
            while (true)
            {
                // :: Step 1: the head, within RequestHeaderTimeout of starting to wait for it.
                HeadStatus status = await ReadHeadAsync().ConfigureAwait(false);
                if (status != HeadStatus.Complete)
                {
                    reason = status switch
                    {
                        HeadStatus.Idle => _stopping.IsCancellationRequested ? "server stopping" : "idle timeout",
                        HeadStatus.TimedOut => "request head timeout",
                        _ => reason,
                    };
                    if (status == HeadStatus.TimedOut)
                    {
                        await WriteAsync(AdminResponse.Errors(408, $"no complete request head within {DurationParser.Format(_options.RequestHeaderTimeout)}."), headOnly: false, close: true).ConfigureAwait(false);
                        linger = true;
                    }
                    return;
                }
                AdminRequest request = AdminRequest.From(_head, _remote);
                bool headOnly = request.Method == HttpMethod.Head;

                // :: Step 2: admission from the head alone, so a refused body is never read.
                if (_handler.Admit(request) is AdminResponse refusal)
                {
                    // An unread body leaves the framing unknown; only a bodiless request keeps the connection.
                    bool close = refusal.Close || request.HasBody || !request.KeepAlive;
                    await WriteAsync(refusal, headOnly, close).ConfigureAwait(false);
                    if (close)
                    {
                        reason = $"refused with {refusal.Status}";
                        linger = request.HasBody;
                        return;
                    }
                    continue;
                }

                // :: Step 3: the body (Content-Length only, already checked against the limit).
                byte[]? body = null;
                int length = (int)Math.Max(request.ContentLength, 0);
                try
                {
                    if (length > 0)
                    {
                        if (request.ExpectContinue)
                        {
                            // RFC 9110 §10.1.1: the client waits for this before sending the body.
                            await _connection.Output.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray()).ConfigureAwait(false);
                        }
                        body = ArrayPool<byte>.Shared.Rent(length);
                        if (!await ReadBodyAsync(body.AsMemory(0, length)).ConfigureAwait(false))
                        {
                            reason = "client closed or stalled in the body";
                            return;
                        }
                    }

                    // :: Step 4: the answer. The server stopping lets it finish, then closes.
                    AdminResponse response = await _handler.HandleAsync(request, body.AsMemory(0, length), _stopping).ConfigureAwait(false);
                    bool closeAfter = !request.KeepAlive || _stopping.IsCancellationRequested;
                    await WriteAsync(response, headOnly, closeAfter).ConfigureAwait(false);
                    if (closeAfter)
                    {
                        reason = request.KeepAlive ? "server stopping" : "Connection: close";
                        return;
                    }
                }
                finally
                {
                    if (body != null)
                    {
                        ArrayPool<byte>.Shared.Return(body);
                    }
                }
            }
        }
        catch (HttpParseException ex)
        {
            reason = $"invalid request: {ex.Reason}";
            await WriteAsync(AdminResponse.Errors(ex.StatusCode, $"invalid request: {ex.Reason} at byte {ex.Offset}."), headOnly: false, close: true).ConfigureAwait(false);
            linger = true;
        }
        catch (OperationCanceledException)
        {
            reason = _stopping.IsCancellationRequested ? "server stopping" : "timeout";
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // The pipe refuses reads and writes once the socket is gone; nothing is left to answer.
            reason = ex.Message;
        }
        finally
        {
            HostLog.AdminConnectionClosed(_logger, _remote, reason);
            await CloseAsync(linger).ConfigureAwait(false);
            // Unregistered before the dispose, or a stop in between would cancel a disposed source.
            await onStop.DisposeAsync().ConfigureAwait(false);
            _timeout.Dispose();
            _closed.TrySetResult();
        }
    }

    private enum HeadStatus
    {
        Complete,
        ClientClosed,

        /// <summary>Nothing of a next request arrived in time, or the server stops: close without a word.</summary>
        Idle,

        /// <summary>Part of a head arrived, not all of it in time: worth a 408.</summary>
        TimedOut,
    }

    private async ValueTask<HeadStatus> ReadHeadAsync()
    {
        _head.Reset();
        _head.Source = _headBytes;
        int copied = 0;
        _timeout.CancelAfter(_options.RequestHeaderTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await Input.ReadAsync(_timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Thread A (timer or StopAsync) cancels while thread B waits here. Silence on an
                // idle keep-alive connection is not an error worth a response; a half-sent head is.
                return copied > 0 && !_stopping.IsCancellationRequested ? HeadStatus.TimedOut : HeadStatus.Idle;
            }
            ReadOnlySequence<byte> buffer = result.Buffer;

            // The parser wants the head contiguous and resumes where it stopped, so only the
            // bytes not copied yet are appended; beyond MaxRequestHeadSize the parser refuses.
            int length = (int)Math.Min(buffer.Length, _headBytes.Length);
            buffer.Slice(copied, length - copied).CopyTo(_headBytes.AsSpan(copied));
            copied = length;
            if (copied > 0 && Http1Parser.TryParseRequest(_headBytes.AsSpan(0, copied), _head, _limits))
            {
                Input.AdvanceTo(buffer.GetPosition(_head.HeadLength));
                _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
                return HeadStatus.Complete;
            }
            if (result.IsCompleted)
            {
                Input.AdvanceTo(buffer.End);
                return HeadStatus.ClientClosed;
            }
            Input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Fills <paramref name="body"/>; false when the client closes first. A pause longer than BodyIdleTimeout throws.</summary>
    private async ValueTask<bool> ReadBodyAsync(Memory<byte> body)
    {
        int filled = 0;
        while (filled < body.Length)
        {
            _timeout.CancelAfter(_options.BodyIdleTimeout);
            ReadResult result = await Input.ReadAsync(_timeout.Token).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            int take = (int)Math.Min(buffer.Length, body.Length - filled);
            buffer.Slice(0, take).CopyTo(body.Span[filled..]);
            filled += take;
            Input.AdvanceTo(buffer.GetPosition(take));
            if (filled < body.Length && result.IsCompleted)
            {
                return false;
            }
        }
        _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
        return true;
    }

    private ValueTask WriteAsync(AdminResponse response, bool headOnly, bool close) =>
        response.WriteAsync(_connection.Output, headOnly, close || response.Close, _options.TimeProvider.GetUtcNow());

    /// <summary>
    /// Sends what is buffered and a FIN; after a refusal that left request bytes unread, keeps
    /// reading (and dropping) them for up to LingerTimeout first: closing a socket with unread
    /// input sends a reset, which can destroy the response before the client reads it.
    /// </summary>
    private async ValueTask CloseAsync(bool linger)
    {
        if (linger && !_connection.IsClosed)
        {
            await _connection.Output.CompleteAsync().ConfigureAwait(false);
            using var lingerTimeout = new CancellationTokenSource(_options.LingerTimeout, _options.TimeProvider);
            try
            {
                while (true)
                {
                    ReadResult result = await Input.ReadAsync(lingerTimeout.Token).ConfigureAwait(false);
                    Input.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted || result.IsCanceled)
                    {
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
            {
                // Linger time is up, or the client reset: either way there is nothing left to save.
            }
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
