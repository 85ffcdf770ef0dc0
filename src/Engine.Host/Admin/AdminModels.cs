namespace Engine.Host.Admin;

/// <summary>The body of <c>GET /api/gateway/health</c>.</summary>
/// <param name="SnapshotVersion">Increases by one with every applied config; the first is 1.</param>
/// <param name="LastReload">The latest reload attempt from any source, failed or not; null when there has been none since start.</param>
/// <param name="LastSuccessfulReload">When and from where the running config came: the start's (source "start") until a reload succeeds.</param>
public sealed record AdminHealth(
    GatewayState State,
    TimeSpan Uptime,
    long SnapshotVersion,
    AdminReloadStatus? LastReload,
    AdminReloadStatus? LastSuccessfulReload,
    IReadOnlyList<EntrypointHealth> Entrypoints,
    long Requests,
    long RejectedRequests,
    long UpstreamErrors);

/// <summary>One reload attempt: when, from where, and whether it took effect.</summary>
/// <param name="Source">What asked for it: "file", "signal", "admin_api", "api" (an embedding program), or "start".</param>
/// <param name="Errors">Every problem when it failed, located as <c>file:line:column: key.path: message</c> where it has a place (the running config then did not change); empty on success.</param>
public sealed record AdminReloadStatus(DateTimeOffset At, string Source, bool Succeeded, IReadOnlyList<string> Errors)
{
    public static AdminReloadStatus? From(ReloadResult? result) =>
        result is null ? null : new AdminReloadStatus(result.At, result.Source, result.Success, result.Errors);
}

/// <summary>The outcome of <see cref="IAdminBackend.ApplyConfigAsync"/>.</summary>
/// <param name="SnapshotVersion">The version now serving when applied; 0 otherwise.</param>
/// <param name="Errors">One line per problem when not applied (e.g. "routers.api.service: no service named 'apj'; did you mean 'api'?").</param>
public sealed record AdminApplyResult(bool Applied, long SnapshotVersion, IReadOnlyList<string> Errors)
{
    public static AdminApplyResult Success(long snapshotVersion) => new(true, snapshotVersion, []);

    public static AdminApplyResult Failure(IReadOnlyList<string> errors) => new(false, 0, errors);
}

/// <summary>The body of <c>GET /api/gateway/routes</c>.</summary>
public sealed record AdminRoutes(IReadOnlyList<AdminEntrypointRoutes> Entrypoints);

/// <summary>One entrypoint's routers in evaluation order, and its compiled route table as text.</summary>
public sealed record AdminEntrypointRoutes(string Name, IReadOnlyList<string> Routers, string Description);

/// <summary>The body of a 200 answer to <c>PUT /api/gateway/config</c>.</summary>
public sealed record AdminApplied(bool Applied, long SnapshotVersion);

/// <summary>The body of every error answer: <c>{"errors":["..."]}</c>.</summary>
public sealed record AdminErrors(IReadOnlyList<string> Errors);
