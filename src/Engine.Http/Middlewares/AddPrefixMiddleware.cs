using System.Text;
using Engine.Core.Configuration;
using Engine.Http.Proxy;

namespace Engine.Http.Middlewares;

/// <summary>
/// <c>type = "add-prefix"</c>: puts <c>prefix</c> in front of the path before the request goes
/// upstream (<c>/users</c> with <c>/v2</c> becomes <c>/v2/users</c>), as Traefik's AddPrefix does.
/// The query is untouched.
/// </summary>
internal sealed class AddPrefixMiddleware : Middleware
{
    public const string TypeName = "add-prefix";

    private readonly byte[] _prefix;

    private AddPrefixMiddleware(string name, byte[] prefix) : base(name, TypeName) => _prefix = prefix;

    public override MiddlewarePhases Phases => MiddlewarePhases.UpstreamRequestFilter;

    public static Middleware? Create(MiddlewareConfig config, MiddlewareOptionsReader options)
    {
        string? prefix = options.String("prefix", required: true);
        if (prefix is null)
        {
            return null;
        }
        if (!prefix.StartsWith('/') || !Ascii.IsValid(prefix) || prefix.Any(c => c <= ' ' || c == '?' || c == '#' || c == 0x7F))
        {
            options.Report("prefix", $"'{prefix}' is not a path prefix: it must start with '/' and hold visible ASCII without '?' or '#'.");
            return null;
        }
        // "/v2/" + "/users" would double the slash.
        return new AddPrefixMiddleware(config.Name, Encoding.ASCII.GetBytes(prefix.Length > 1 ? prefix.TrimEnd('/') : prefix));
    }

    public override void UpstreamRequestFilter(ProxyExchange exchange)
    {
        if (_prefix.Length > 1)
        {
            exchange.PrependPath(_prefix);
        }
    }
}
