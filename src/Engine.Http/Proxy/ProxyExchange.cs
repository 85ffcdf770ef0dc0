using Engine.Core.LoadBalancing;
using Engine.Http.Middlewares;

namespace Engine.Http.Proxy;

/// <summary>
/// One request on its way through the proxy pipeline, whatever protocol carried it: the
/// protocol-neutral request view, the route and destination chosen for it, the edits middlewares
/// made, the error that ended it if any, and the facts the metrics and the access log record.
/// A downstream connection (or stream) rents one per request and the pipeline fills it; the
/// object and its buffers are reused, so a request allocates nothing once warm.
/// </summary>
internal sealed class ProxyExchange
{
    private byte[] _path = new byte[256];
    private byte[]? _logScratch;
    private UpstreamConnection? _upstream;
    private int _clientAbortCounted;
    private int _pathLength;
    private bool _pathRewritten;

    public ProxyExchange(HttpRequestHead request) => Request = request;

    /// <summary>The request head as received: method, authority, path, query and fields in order and case.</summary>
    public HttpRequestHead Request { get; }

    /// <summary>Where it is served from; set by the downstream before the pipeline runs.</summary>
    public IDownstream Downstream { get; set; } = null!;

    /// <summary>Edits to the head sent upstream (middlewares, built-in forwarding fields).</summary>
    public HeaderEdits RequestEdits { get; } = new();

    /// <summary>Edits to the response head sent to the client.</summary>
    public HeaderEdits ResponseEdits { get; } = new();

    /// <summary>The middlewares this request passes through: the entrypoint's defaults, then the router's.</summary>
    public Middleware[] Middlewares { get; set; } = [];

    /// <summary>How many of <see cref="Middlewares"/> the request went through (all, unless one answered); the response unwinds these.</summary>
    public int MiddlewaresReached { get; set; }

    public RouteModel? Route { get; set; }

    public IUpstreamPool? Pool { get; set; }

    public DestinationState? Destination => Pool?.Destination;

    /// <summary>The service's affinity when the response must pin the destination it went to.</summary>
    public StickySessionModel? StickyCookie { get; set; }

    /// <summary>A status a middleware (or the pipeline) answers with instead of going upstream.</summary>
    public int AnswerStatus { get; set; }

    /// <summary>Why the exchange failed, once it has.</summary>
    public ProxyError Error { get; set; }

    /// <summary>What happened, gathered as it happens, for metrics and the access log.</summary>
    public ExchangeFacts Facts;

    /// <summary>
    /// The upstream connection leased for this exchange, while it is; read from other threads
    /// (the heartbeat that times the response head out, the downstream's reset callback), so
    /// every access is volatile.
    /// </summary>
    public UpstreamConnection? Upstream
    {
        get => Volatile.Read(ref _upstream);
        set => Volatile.Write(ref _upstream, value);
    }

    /// <summary>Set once the upstream's response head is in; read by the request body forwarder on another thread.</summary>
    public bool ResponseHeadReceived
    {
        get => Volatile.Read(ref _responseHeadReceived);
        set => Volatile.Write(ref _responseHeadReceived, value);
    }

    private bool _responseHeadReceived;

    /// <summary>Counts an abandoned exchange once, whichever thread notices first.</summary>
    public void CountClientAbort(ProxyMetrics metrics)
    {
        if (Interlocked.Exchange(ref _clientAbortCounted, 1) == 0)
        {
            metrics.OnClientAbort();
        }
    }

    /// <summary>
    /// Keeps what the access log needs from the head (method, host, target) before the head's
    /// bytes are let go mid-exchange: one copy into a pooled buffer, returned at the end.
    /// </summary>
    public void CaptureForAccessLog()
    {
        HttpRequestHead head = Request;
        Facts.StartTime = DateTimeOffset.UtcNow;
        Facts.Http10 = head.Version == HttpVersion.Http10;
        int length = head.MethodLength + head.AuthorityLength + head.TargetLength;
        ReturnLogScratch();
        _logScratch = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(length, 256));

        Span<byte> scratch = _logScratch;
        head.MethodBytes.CopyTo(scratch);
        head.Authority.CopyTo(scratch[head.MethodLength..]);
        head.Target.CopyTo(scratch[(head.MethodLength + head.AuthorityLength)..]);
        Facts.MethodLength = head.MethodLength;
        Facts.HostLength = head.AuthorityLength;
        Facts.TargetLength = head.TargetLength;
    }

    /// <summary>Method, host and target as captured for the access log, in that order.</summary>
    public ReadOnlySpan<byte> LogScratch => _logScratch ?? [];

    private void ReturnLogScratch()
    {
        if (_logScratch is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(_logScratch);
            _logScratch = null;
        }
    }

    /// <summary>True when the request target has a path a middleware may rewrite (origin- or absolute-form).</summary>
    public bool HasPath => Request.TargetForm is RequestTargetForm.Origin or RequestTargetForm.Absolute;

    /// <summary>True once a middleware changed the path; the head writer then writes <see cref="UpstreamPath"/>.</summary>
    public bool PathRewritten => _pathRewritten;

    /// <summary>The path the upstream will see: as received, or as the middlewares rewrote it. No query.</summary>
    public ReadOnlySpan<byte> UpstreamPath => _pathRewritten ? _path.AsSpan(0, _pathLength) : Request.Path;

    /// <summary>Drops the first <paramref name="length"/> bytes of the path, keeping a leading '/'.</summary>
    public void StripPathPrefix(int length)
    {
        if (!HasPath)
        {
            return;
        }
        ReadOnlySpan<byte> rest = UpstreamPath[length..];
        bool slash = rest.IsEmpty || rest[0] != (byte)'/';
        int newLength = rest.Length + (slash ? 1 : 0);
        EnsurePathCapacity(newLength, keep: _pathRewritten ? _pathLength : 0);
        // rest may live in _path itself; CopyTo handles the overlap.
        rest.CopyTo(_path.AsSpan(slash ? 1 : 0));
        if (slash)
        {
            _path[0] = (byte)'/';
        }
        _pathLength = newLength;
        _pathRewritten = true;
    }

    /// <summary>Puts <paramref name="prefix"/> in front of the path.</summary>
    public void PrependPath(ReadOnlySpan<byte> prefix)
    {
        if (!HasPath)
        {
            return;
        }
        ReadOnlySpan<byte> current = UpstreamPath;
        // An absolute-form target may have an empty path, which means "/".
        bool root = current.IsEmpty;
        int currentLength = root ? 1 : current.Length;
        int newLength = prefix.Length + currentLength;
        if (_pathRewritten)
        {
            EnsurePathCapacity(newLength, keep: _pathLength);
            _path.AsSpan(0, _pathLength).CopyTo(_path.AsSpan(prefix.Length));
        }
        else
        {
            EnsurePathCapacity(newLength, keep: 0);
            if (root)
            {
                _path[prefix.Length] = (byte)'/';
            }
            else
            {
                current.CopyTo(_path.AsSpan(prefix.Length));
            }
        }
        prefix.CopyTo(_path);
        _pathLength = newLength;
        _pathRewritten = true;
    }

    private void EnsurePathCapacity(int length, int keep)
    {
        if (_path.Length < length)
        {
            byte[] larger = new byte[Math.Max(length, _path.Length * 2)];
            _path.AsSpan(0, keep).CopyTo(larger);
            _path = larger;
        }
    }

    /// <summary>Forgets the request so the object can serve the next one.</summary>
    public void Reset()
    {
        RequestEdits.Clear();
        ResponseEdits.Clear();
        Middlewares = [];
        MiddlewaresReached = 0;
        Route = null;
        Pool = null;
        StickyCookie = null;
        AnswerStatus = 0;
        Error = default;
        Facts = default;
        Upstream = null;
        ResponseHeadReceived = false;
        Volatile.Write(ref _clientAbortCounted, 0);
        ReturnLogScratch();
        _pathRewritten = false;
        _pathLength = 0;
    }
}
