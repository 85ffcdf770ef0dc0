namespace Engine.Core.Routing;

/// <summary>Which matchers a rule may use: an HTTP router's or a TCP router's.</summary>
public enum RuleKind
{
    Http,
    Tcp,
}

/// <summary>
/// The matchers of the Traefik v3 rule language. The v2 aliases <c>Headers</c>,
/// <c>HeadersRegexp</c> and <c>HostHeader</c> parse to <see cref="Header"/>,
/// <see cref="HeaderRegexp"/> and <see cref="Host"/>.
/// </summary>
public enum MatcherKind
{
    Host,
    HostRegexp,
    Path,
    PathPrefix,
    PathRegexp,
    Method,
    Header,
    HeaderRegexp,
    Query,
    QueryRegexp,
    ClientIP,
    HostSNI,
    HostSNIRegexp,
    Alpn,
}
