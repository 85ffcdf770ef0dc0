using System.Diagnostics;
using System.Net;
using Engine.Core.Configuration;
using Engine.Http.Proxy;
using Microsoft.Extensions.Logging;

namespace Engine.Host;

public sealed partial class Gateway
{
    /// <summary>
    /// Applies <paramref name="next"/> without losing a request, or refuses it whole:
    /// <code>
    ///   1. validate and compile off the request path (pools of unchanged destinations carried over)
    ///   2. swap the snapshot with one atomic write; new requests route on it
    ///   3. entrypoints: same address keeps its socket (new limits for new connections),
    ///      a new address binds, a removed one stops accepting and drains in the background
    ///   4. retire what the old snapshot alone used (idle upstream connections close)
    /// </code>
    /// In-flight requests and open keep-alive connections finish on the snapshot they started
    /// with. An invalid config or an address that cannot be bound leaves the running config in
    /// place; the result says why. Reloads run one at a time.
    /// </summary>
    public async Task<ReloadResult> ReloadAsync(GatewayConfig next, CancellationToken cancellationToken = default) =>
        await ReloadAsync(next, "api", cancellationToken).ConfigureAwait(false);

    /// <inheritdoc cref="ReloadAsync(GatewayConfig, CancellationToken)"/>
    /// <param name="source">What asked for it, for health views and logs: "file", "signal", "admin_api", "api".</param>
    public async Task<ReloadResult> ReloadAsync(GatewayConfig next, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        await _reloadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        long started = Stopwatch.GetTimestamp();
        try
        {
            if (_state != GatewayState.Running || _runtime is null)
            {
                return Refused(started, source, [$"the gateway is {_state.ToString().ToLowerInvariant()}, not running."]);
            }

            // :: Step 1: compile.
            ProxySnapshot previous = _runtime.Current;
            ProxySnapshot snapshot;
            try
            {
                snapshot = await Task.Run(() => ProxySnapshot.Build(next, _connector, _heartbeat, _metrics, previous), cancellationToken).ConfigureAwait(false);
            }
            catch (GatewayConfigException ex)
            {
                return Refused(started, source, ex.Errors);
            }

            // :: Step 2: swap (new log files open first: a bad path refuses the reload).
            try
            {
                ApplyAccessLog(next.AccessLog);
            }
            catch (GatewayConfigException ex)
            {
                snapshot.Retire(previous);
                return Refused(started, source, ex.Errors);
            }
            try
            {
                ApplyApplicationLog(next.Log);
            }
            catch (GatewayConfigException ex)
            {
                ApplyAccessLog(_config.AccessLog);
                snapshot.Retire(previous);
                return Refused(started, source, ex.Errors);
            }
            _runtime.Swap(snapshot);
            PrepareRegexesInBackground(snapshot);

            // :: Step 3: entrypoints.
            (List<(Entrypoint Entrypoint, EntrypointConfig Config)> kept, List<EntrypointConfig> added, List<Entrypoint> removed) = PlanEntrypoints(next);
            var opened = new List<Entrypoint>();
            try
            {
                foreach (EntrypointConfig config in added)
                {
                    opened.Add(StartEntrypoint(config));
                }
            }
            catch (ListenException ex)
            {
                // Back to where we were: the old snapshot again, the new listeners closed, the
                // pools only the refused snapshot opened disposed.
                _runtime.Swap(previous);
                foreach (Entrypoint entrypoint in opened)
                {
                    await entrypoint.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
                    lock (_entrypoints)
                    {
                        _entrypoints.Remove(entrypoint);
                    }
                }
                snapshot.Retire(previous);
                ApplyAccessLog(_config.AccessLog);
                ApplyApplicationLog(_config.Log);
                return Refused(started, source, [ex.Message]);
            }

            foreach ((Entrypoint entrypoint, EntrypointConfig config) in kept)
            {
                entrypoint.Reconfigure(config);
            }

            foreach (Entrypoint entrypoint in removed)
            {
                lock (_entrypoints)
                {
                    _entrypoints.Remove(entrypoint);
                }
                TrackRetiring(entrypoint.StopAsync(next.DrainTimeout));
            }

            // :: Step 4: retire; the admin listener follows its settings (off the caller's path:
            // an admin PUT is waiting on this very reload).
            previous.Retire(snapshot);
            ApplyAdmin(next.Admin);
            _config = next;
            long version = Interlocked.Increment(ref _version);
            ReloadResult result = Record(new ReloadResult(true, version, DateTimeOffset.UtcNow, [], Stopwatch.GetElapsedTime(started)) { Source = source });
            HostLog.ReloadApplied(_log, version, next.Routers.Count, next.Services.Count, result.Duration.TotalMilliseconds);
            return result;
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    /// <summary>Remembers work that outlives a reload (a draining listener, a closing log) so that a stop waits for it.</summary>
    private void TrackRetiring(Task retiring)
    {
        lock (_retiring)
        {
            _retiring.RemoveAll(t => t.IsCompleted);
            _retiring.Add(retiring);
        }
    }

    /// <summary>
    /// Records a reload attempt that failed before it could reach <see cref="ReloadAsync(GatewayConfig, string, CancellationToken)"/>:
    /// the files changed or SIGHUP came, but they do not parse or bind. It is counted in
    /// <c>engine_config_reloads_total{result="failure"}</c> and shown as the last reload in health
    /// like one the gateway refused; the running config stays. The caller has logged the problems.
    /// </summary>
    /// <param name="source">What asked for it: "file" or "signal".</param>
    /// <param name="errors">Every problem, located (<c>file:line:column: key.path: message</c>).</param>
    public ReloadResult RecordRefusedReload(string source, IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(errors);
        return Record(new ReloadResult(false, Interlocked.Read(ref _version), DateTimeOffset.UtcNow, errors, TimeSpan.Zero) { Source = source });
    }

    private ReloadResult Refused(long started, string source, IReadOnlyList<string> errors)
    {
        ReloadResult result = Record(new ReloadResult(false, Interlocked.Read(ref _version), DateTimeOffset.UtcNow, errors, Stopwatch.GetElapsedTime(started)) { Source = source });
        HostLog.ReloadRefused(_log, errors.Count, string.Join(Environment.NewLine, errors));
        return result;
    }

    /// <summary>
    /// The one place a reload outcome is kept, whatever asked for it and wherever it failed: the
    /// metrics count it and health shows it. Lock-free: two attempts finishing at once (a file
    /// edit whose TOML is broken and an admin PUT) may leave either as the last, which is as
    /// true as the other.
    /// </summary>
    private ReloadResult Record(ReloadResult result)
    {
        if (result.Success)
        {
            _lastSuccessfulReload = result;
        }
        _lastReload = result;
        _reloadMetrics.OnReload(result.Success);
        return result;
    }

    /// <summary>
    /// Pairs running entrypoints with the next config's: the same name and address string, or
    /// the same concrete address (a rename), keeps its socket. Port 0 never matches by address:
    /// each such bind is a new port.
    /// </summary>
    private (List<(Entrypoint, EntrypointConfig)> Kept, List<EntrypointConfig> Added, List<Entrypoint> Removed) PlanEntrypoints(GatewayConfig next)
    {
        List<Entrypoint> running = [.. Entrypoints];
        var kept = new List<(Entrypoint, EntrypointConfig)>();
        var added = new List<EntrypointConfig>();
        foreach (EntrypointConfig config in next.Entrypoints)
        {
            Entrypoint? match = running.FirstOrDefault(e => e.Config.Name == config.Name && e.Config.Address == config.Address)
                ?? running.FirstOrDefault(e => SameConcreteAddress(e.Config.Address, config.Address));
            if (match is null)
            {
                added.Add(config);
            }
            else
            {
                running.Remove(match);
                kept.Add((match, config));
            }
        }

        return (kept, added, running);
    }

    private static bool SameConcreteAddress(string a, string b) =>
        EndpointParser.TryParseListenAddress(a, out EndPoint? x, out _) &&
        EndpointParser.TryParseListenAddress(b, out EndPoint? y, out _) &&
        x is IPEndPoint { Port: > 0 } && x.Equals(y);
}
