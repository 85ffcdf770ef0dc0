namespace Engine.Http.Http1;

/// <summary>What one <see cref="ChunkedDecoder.Read"/> call produced.</summary>
public enum ChunkedStatus
{
    /// <summary>Everything understood is consumed; the rest is incomplete framing left in the reader.</summary>
    NeedMoreData,

    /// <summary>A non-empty run of chunk data was returned and consumed.</summary>
    Data,

    /// <summary>The last chunk, the trailer section and the final CRLF were consumed.</summary>
    Completed,
}
