using System.Text;
using Engine.Core.Configuration;
using Engine.Http.Proxy;

namespace Engine.Http.Middlewares;

/// <summary>
/// <c>type = "strip-prefix"</c>: removes the first of <c>prefixes</c> that the path starts with
/// before the request goes upstream (<c>/api/users</c> with <c>/api</c> becomes <c>/users</c>;
/// <c>/api</c> alone becomes <c>/</c>), and tells the origin what was removed in
/// <c>X-Forwarded-Prefix</c>, as Traefik's StripPrefix does. A prefix matches on whole bytes of
/// the path as received (not percent-decoded), the way routers see it. The query is untouched.
/// </summary>
internal sealed class StripPrefixMiddleware : Middleware
{
    public const string TypeName = "strip-prefix";
    private static readonly byte[] s_forwardedPrefix = "X-Forwarded-Prefix"u8.ToArray();

    private readonly byte[][] _prefixes;

    private StripPrefixMiddleware(string name, byte[][] prefixes) : base(name, TypeName) => _prefixes = prefixes;

    public override MiddlewarePhases Phases => MiddlewarePhases.UpstreamRequestFilter;

    public static Middleware? Create(MiddlewareConfig config, MiddlewareOptionsReader options)
    {
        IReadOnlyList<string> prefixes = options.StringList("prefixes", required: true);
        if (prefixes.Count == 0 && !options.HasProblems)
        {
            options.Report("prefixes", "needs at least one prefix.");
        }
        var compiled = new List<byte[]>();
        for (int i = 0; i < prefixes.Count; i++)
        {
            string prefix = prefixes[i];
            if (!prefix.StartsWith('/') || !Ascii.IsValid(prefix) || prefix.Any(c => c <= ' ' || c == '?' || c == '#' || c == 0x7F))
            {
                options.Report($"prefixes[{i}]", $"'{prefix}' is not a path prefix: it must start with '/' and hold visible ASCII without '?' or '#'.");
                continue;
            }
            // "/api/" and "/api" strip the same segment; keeping the slash would leave "users" without one.
            compiled.Add(Encoding.ASCII.GetBytes(prefix.Length > 1 ? prefix.TrimEnd('/') : prefix));
        }
        return new StripPrefixMiddleware(config.Name, [.. compiled]);
    }

    public override void UpstreamRequestFilter(ProxyExchange exchange)
    {
        ReadOnlySpan<byte> path = exchange.UpstreamPath;
        foreach (byte[] prefix in _prefixes)
        {
            // Only at a segment boundary: "/api" strips "/api/x" and "/api", never "/apiary".
            if (path.StartsWith(prefix) && (path.Length == prefix.Length || path[prefix.Length] == (byte)'/' || prefix[^1] == (byte)'/'))
            {
                exchange.StripPathPrefix(prefix.Length);
                exchange.RequestEdits.Set(s_forwardedPrefix, prefix);
                return;
            }
        }
    }
}
