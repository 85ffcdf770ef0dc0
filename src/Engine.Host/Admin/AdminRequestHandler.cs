using System.Buffers;
using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Engine.Core.Configuration;
using Engine.Http;
using HttpMethod = Engine.Http.HttpMethod;
using Microsoft.Extensions.Logging;

namespace Engine.Host.Admin;

/// <summary>
/// The admin API's endpoints: admission (token, path, method, body size) before any body is
/// read, then the answer. Knows nothing of sockets; <see cref="AdminConnection"/> feeds it.
/// </summary>
/// <remarks>
/// With a token configured every path requires <c>Authorization: Bearer &lt;token&gt;</c>, an
/// unknown path included (a 404 would tell an unauthenticated client which paths exist), except
/// <c>/healthz</c> and <c>/readyz</c>: orchestrator probes (kubelet, load-balancer health checks)
/// cannot send a secret, and those two answer only "ok"/"ready".
/// </remarks>
internal sealed class AdminRequestHandler
{
    private enum Endpoint
    {
        Health,
        Metrics,
        Config,
        Routes,
        Liveness,
        Readiness,
    }

    private sealed record Route(Endpoint Endpoint, string Allow, bool OpenToProbes = false);

    private const string GetOnly = "GET, HEAD";

    private static readonly FrozenDictionary<string, Route> s_routes = new Dictionary<string, Route>(StringComparer.Ordinal)
    {
        ["/api/gateway/health"] = new(Endpoint.Health, GetOnly),
        ["/api/gateway/metrics"] = new(Endpoint.Metrics, GetOnly),
        // Where Prometheus looks by default.
        ["/metrics"] = new(Endpoint.Metrics, GetOnly),
        ["/api/gateway/config"] = new(Endpoint.Config, "GET, HEAD, PUT"),
        ["/api/gateway/routes"] = new(Endpoint.Routes, GetOnly),
        ["/healthz"] = new(Endpoint.Liveness, GetOnly, OpenToProbes: true),
        ["/readyz"] = new(Endpoint.Readiness, GetOnly, OpenToProbes: true),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly IAdminBackend _backend;
    private readonly ILogger _logger;
    private readonly long _maxBodySize;
    private readonly byte[]? _tokenDigest;

    public AdminRequestHandler(AdminConfig config, IAdminBackend backend, ILogger logger, long maxBodySize)
    {
        _backend = backend;
        _logger = logger;
        _maxBodySize = maxBodySize;
        // The token is kept only as its SHA-256 digest: comparing two fixed-size digests takes
        // the same time whatever the presented token's length, where comparing the tokens
        // themselves would return early on a length mismatch and reveal the length.
        _tokenDigest = string.IsNullOrEmpty(config.Token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(config.Token));
    }

    public bool RequiresToken => _tokenDigest != null;

    /// <summary>
    /// Decides from the head alone whether the request may proceed: null to go on (read the body,
    /// then <see cref="HandleAsync"/>), else the refusal to send.
    /// </summary>
    public AdminResponse? Admit(AdminRequest request)
    {
        s_routes.TryGetValue(request.Path, out Route? route);
        if (route is not { OpenToProbes: true } && !IsAuthorized(request.Authorization))
        {
            HostLog.AdminUnauthorized(_logger, request.RemoteAddress ?? "?", request.MethodName, request.Path);
            string error = request.Authorization == null
                ? "this admin API requires 'Authorization: Bearer <token>' (admin.token in the config)."
                : "the bearer token is not valid for this admin API.";
            return AdminResponse.Errors(401, error) with { Challenge = true };
        }
        if (route == null)
        {
            return AdminResponse.Errors(404, $"no admin endpoint at '{request.Path}'; endpoints: {string.Join(", ", s_routes.Keys.Order(StringComparer.Ordinal))}.");
        }
        bool allowed = request.Method is HttpMethod.Get or HttpMethod.Head || (request.Method == HttpMethod.Put && route.Endpoint == Endpoint.Config);
        if (!allowed)
        {
            return AdminResponse.Errors(405, $"{request.MethodName} is not allowed on {request.Path}; allowed: {route.Allow}.") with { Allow = route.Allow };
        }
        if (request.Chunked)
        {
            // Configs are pushed whole; a known length lets the size limit apply before reading.
            return AdminResponse.Errors(411, "send the body with a Content-Length (chunked request bodies are not accepted here).") with { Close = true };
        }
        if (request.ContentLength > _maxBodySize)
        {
            return AdminResponse.Errors(413, $"the body is {request.ContentLength} bytes; the admin API accepts at most {_maxBodySize}.") with { Close = true };
        }
        return null;
    }

    /// <summary>Answers an admitted request; <paramref name="body"/> is empty when it had none.</summary>
    public async ValueTask<AdminResponse> HandleAsync(AdminRequest request, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        Route route = s_routes[request.Path];
        try
        {
            return route.Endpoint switch
            {
                Endpoint.Health => AdminResponse.Json(200, _backend.GetHealth(), AdminJsonContext.Readable.AdminHealth),
                Endpoint.Metrics => Metrics(),
                Endpoint.Config when request.Method == HttpMethod.Put => await ApplyAsync(body, cancellationToken).ConfigureAwait(false),
                Endpoint.Config => AdminResponse.Json(200, AdminJson.Redact(_backend.CurrentConfig), AdminJsonContext.Readable.GatewayConfig),
                Endpoint.Routes => Routes(request.QueryValue("entrypoint")),
                Endpoint.Liveness => AdminResponse.Text(200, "ok\n"),
                Endpoint.Readiness => _backend.IsReady ? AdminResponse.Text(200, "ready\n") : AdminResponse.Text(503, "not ready\n"),
                _ => throw new InvalidOperationException($"endpoint {route.Endpoint} has no handler"),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A backend bug must not take the admin port down with it, nor leak a stack trace
            // to the client: the log gets the exception, the client the message.
            HostLog.AdminRequestFailed(_logger, request.MethodName, request.Path, ex);
            return AdminResponse.Errors(500, $"internal error: {ex.Message}");
        }
    }

    private bool IsAuthorized(byte[]? authorization)
    {
        if (_tokenDigest == null)
        {
            return true;
        }
        // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; RFC 9110 §11.1: the scheme name
        // is case-insensitive.
        ReadOnlySpan<byte> value = authorization;
        if (value.Length <= 7 || !Ascii.EqualsIgnoreCase(value[..7], "Bearer "u8))
        {
            return false;
        }
        ReadOnlySpan<byte> token = value[7..].TrimStart((byte)' ');
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(token, digest);
        return CryptographicOperations.FixedTimeEquals(digest, _tokenDigest);
    }

    private AdminResponse Metrics()
    {
        var output = new ArrayBufferWriter<byte>(4096);
        _backend.WriteMetrics(output);
        return new AdminResponse { Status = 200, ContentType = AdminResponse.PrometheusType, Body = output.WrittenMemory };
    }

    private AdminResponse Routes(string? entrypoint)
    {
        IReadOnlyList<string> names = _backend.EntrypointNames;
        if (entrypoint != null && !names.Contains(entrypoint, StringComparer.Ordinal))
        {
            return AdminResponse.Errors(404, $"no entrypoint named '{entrypoint}'{NameSuggestions.Ending(entrypoint, names)}");
        }
        List<AdminEntrypointRoutes> entrypoints = [];
        foreach (string name in names)
        {
            if (entrypoint == null || name == entrypoint)
            {
                entrypoints.Add(new AdminEntrypointRoutes(name, _backend.RouterOrder(name), _backend.DescribeRoutes(name)));
            }
        }
        return AdminResponse.Json(200, new AdminRoutes(entrypoints), AdminJsonContext.Readable.AdminRoutes);
    }

    private async ValueTask<AdminResponse> ApplyAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (!AdminJson.TryReadConfig(body.Span, out GatewayConfig? config, out string? error))
        {
            HostLog.AdminConfigRefused(_logger, error);
            return AdminResponse.Errors(400, error);
        }
        config = AdminJson.RestoreSecrets(config, _backend.CurrentConfig);
        AdminApplyResult result = await _backend.ApplyConfigAsync(config, cancellationToken).ConfigureAwait(false);
        if (!result.Applied)
        {
            HostLog.AdminConfigRefused(_logger, string.Join("; ", result.Errors));
            return AdminResponse.Errors(400, result.Errors);
        }
        HostLog.AdminConfigApplied(_logger, result.SnapshotVersion);
        return AdminResponse.Json(200, new AdminApplied(true, result.SnapshotVersion), AdminJsonContext.Readable.AdminApplied);
    }
}
