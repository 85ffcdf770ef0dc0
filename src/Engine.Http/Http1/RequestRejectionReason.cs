namespace Engine.Http.Http1;

/// <summary>
/// Why a message head or body was refused. Each reason maps to one status
/// (<see cref="RequestRejectionReasonExtensions.StatusCode"/>) and one counter.
/// </summary>
public enum RequestRejectionReason : byte
{
    None = 0,
    InvalidRequestLine,
    InvalidMethod,
    InvalidRequestTarget,
    UnrecognizedHttpVersion,
    RequestLineTooLong,
    InvalidHeaderName,
    WhitespaceBeforeColon,
    ObsoleteLineFolding,
    InvalidHeaderValue,
    BareCarriageReturn,
    BareLineFeed,
    HeadersTooLarge,
    TooManyHeaders,
    MissingHost,
    MultipleHost,
    InvalidHost,
    InvalidContentLength,
    DuplicateContentLength,
    ContentLengthWithTransferEncoding,
    UnsupportedTransferEncoding,
    InvalidChunkSize,
    InvalidChunkExtension,
    InvalidChunkTerminator,
    InvalidTrailer,
    TrailersTooLarge,
    BodyTooLarge,
    UnexpectedEndOfBody,
    InvalidStatusLine,
    /// <summary>A method the proxy does not forward: CONNECT (no tunnels on an HTTP entrypoint yet).</summary>
    MethodNotImplemented,
    /// <summary>The request body paused longer than body_idle, or arrived slower than min_body_rate.</summary>
    RequestBodyTimeout,
    /// <summary>The request head did not arrive within request_header.</summary>
    RequestHeaderTimeout,
}
