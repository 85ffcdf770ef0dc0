namespace Engine.Http;

/// <summary>
/// Header names the proxy acts on, recognised once at parse time so later stages test an enum
/// instead of comparing names. Everything else is <see cref="Other"/> and passes through untouched.
/// </summary>
public enum KnownHeader : byte
{
    Other = 0,
    Host,
    ContentLength,
    TransferEncoding,
    Connection,
    KeepAlive,
    ProxyConnection,
    TE,
    Trailer,
    Upgrade,
    Expect,
    XForwardedFor,
    XForwardedProto,
    XForwardedHost,
    XForwardedPort,
    Forwarded,
    Date,
}
