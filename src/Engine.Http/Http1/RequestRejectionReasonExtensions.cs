namespace Engine.Http.Http1;

public static class RequestRejectionReasonExtensions
{
    /// <summary>The status a downstream rejection answers with (a bad upstream response is a 502 instead).</summary>
    public static int StatusCode(this RequestRejectionReason reason) => reason switch
    {
        RequestRejectionReason.RequestLineTooLong => 414,
        RequestRejectionReason.UnrecognizedHttpVersion => 505,
        RequestRejectionReason.HeadersTooLarge or RequestRejectionReason.TooManyHeaders => 431,
        RequestRejectionReason.BodyTooLarge => 413,
        RequestRejectionReason.MethodNotImplemented => 501,
        RequestRejectionReason.RequestBodyTimeout or RequestRejectionReason.RequestHeaderTimeout => 408,
        _ => 400,
    };
}
