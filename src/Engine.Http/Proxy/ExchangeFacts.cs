namespace Engine.Http.Proxy;

/// <summary>What one request did, gathered as it happens, for the <c>logging</c> step.</summary>
internal struct ExchangeFacts
{
    public long StartTimestamp;
    public DateTimeOffset StartTime;
    public long RequestHeadBytes;

    /// <summary>Head plus request body bytes read from the client.</summary>
    public long RequestBytes;

    /// <summary>Response head and body bytes sent to the client.</summary>
    public long ResponseBytes;

    public int Status;
    public int UpstreamStatus;

    // Lengths of method, host and target in the exchange's log scratch, in that order.
    public int MethodLength;
    public int HostLength;
    public int TargetLength;
    public bool Http10;
}
