using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Engine.Http.Http1;

/// <summary>
/// The one exception the HTTP/1.1 parser lets escape: the peer sent something the RFC forbids.
/// It carries the reason (which maps to the status and the counter) and the offset in the head.
/// </summary>
public sealed class HttpParseException : Exception
{
    public HttpParseException(RequestRejectionReason reason, int offset)
        : base($"{reason} at byte {offset}")
    {
        Reason = reason;
        Offset = offset;
    }

    public HttpParseException()
    {
    }

    public HttpParseException(string message) : base(message)
    {
    }

    public HttpParseException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public RequestRejectionReason Reason { get; }

    public int Offset { get; }

    public int StatusCode => Reason.StatusCode();

    [DoesNotReturn]
    [StackTraceHidden]
    public static void Throw(RequestRejectionReason reason, int offset) => throw new HttpParseException(reason, offset);
}
