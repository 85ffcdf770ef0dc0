using Engine.Core.Configuration;
using Engine.Http.Proxy;

namespace Engine.Http.Middlewares;

/// <summary>
/// <c>type = "headers"</c>: sets, adds and removes fields of the request sent upstream and of the
/// response sent to the client. Seed 000's keys <c>request_headers</c> and <c>response_headers</c>
/// set fields (replacing any of that name); as in Traefik's <c>customRequestHeaders</c>, an empty
/// value removes the field instead. <c>add_request_headers</c> / <c>add_response_headers</c> append
/// a field beside existing ones; <c>remove_request_headers</c> / <c>remove_response_headers</c>
/// list names to drop. Names and values are checked and encoded once, at compile; framing and
/// connection fields are the proxy's own, and a request's Host may be set but not removed.
/// </summary>
internal sealed class HeadersMiddleware : Middleware
{
    public const string TypeName = "headers";

    private readonly HeaderEdit[] _request;
    private readonly HeaderEdit[] _response;

    private HeadersMiddleware(string name, HeaderEdit[] request, HeaderEdit[] response) : base(name, TypeName)
    {
        _request = request;
        _response = response;
        Phases = (request.Length > 0 ? MiddlewarePhases.UpstreamRequestFilter : 0) | (response.Length > 0 ? MiddlewarePhases.ResponseFilter : 0);
    }

    public override MiddlewarePhases Phases { get; }

    public static Middleware? Create(MiddlewareConfig config, MiddlewareOptionsReader options)
    {
        HeaderEdit[] request = [.. Read(options, "request_headers", "add_request_headers", "remove_request_headers", request: true)];
        HeaderEdit[] response = [.. Read(options, "response_headers", "add_response_headers", "remove_response_headers", request: false)];
        return new HeadersMiddleware(config.Name, request, response);
    }

    private static List<HeaderEdit> Read(MiddlewareOptionsReader options, string setKey, string addKey, string removeKey, bool request)
    {
        var edits = new List<HeaderEdit>();
        foreach ((string name, string value) in options.StringTable(setKey))
        {
            string key = $"{setKey}.{name}";
            if (HeaderFieldSyntax.Name(options, key, name) is { } nameBytes && HeaderFieldSyntax.Value(options, key, value) is { } valueBytes &&
                (value.Length > 0 || MayRemove(options, key, name, request)))
            {
                edits.Add(new HeaderEdit(value.Length == 0 ? HeaderEditKind.Remove : HeaderEditKind.Set, nameBytes, valueBytes));
            }
        }
        foreach ((string name, string value) in options.StringTable(addKey))
        {
            string key = $"{addKey}.{name}";
            if (HeaderFieldSyntax.Name(options, key, name) is { } nameBytes && HeaderFieldSyntax.Value(options, key, value) is { } valueBytes)
            {
                edits.Add(new HeaderEdit(HeaderEditKind.Append, nameBytes, valueBytes));
            }
        }
        IReadOnlyList<string> removed = options.StringList(removeKey);
        for (int i = 0; i < removed.Count; i++)
        {
            if (HeaderFieldSyntax.Name(options, $"{removeKey}[{i}]", removed[i]) is { } nameBytes && MayRemove(options, $"{removeKey}[{i}]", removed[i], request))
            {
                edits.Add(new HeaderEdit(HeaderEditKind.Remove, nameBytes, default));
            }
        }
        return edits;
    }

    /// <summary>
    /// A request sent upstream always carries Host (RFC 9112 §3.2: an HTTP/1.1 client must send
    /// it), so removing it is refused; setting another value is fine.
    /// </summary>
    private static bool MayRemove(MiddlewareOptionsReader options, string key, string name, bool request)
    {
        if (request && name.Equals("Host", StringComparison.OrdinalIgnoreCase))
        {
            options.Report(key, "a request must carry Host (RFC 9112 §3.2); it cannot be removed, only set to another value.");
            return false;
        }
        return true;
    }

    public override void UpstreamRequestFilter(ProxyExchange exchange)
    {
        foreach (HeaderEdit edit in _request)
        {
            exchange.RequestEdits.Add(edit);
        }
    }

    public override void ResponseFilter(ProxyExchange exchange)
    {
        foreach (HeaderEdit edit in _response)
        {
            exchange.ResponseEdits.Add(edit);
        }
    }
}
