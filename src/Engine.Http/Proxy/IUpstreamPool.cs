using Engine.Core.Configuration;
using Engine.Core.LoadBalancing;

namespace Engine.Http.Proxy;

/// <summary>
/// The connections to one destination, as the proxy pipeline's <c>upstream_peer</c> and
/// <c>fail_to_connect</c> steps see them. A lease gives one exchange a way to the origin and
/// <see cref="Release"/> takes it back; whether the lease is an exclusive HTTP/1.1 connection
/// (<see cref="UpstreamPool"/>) or a stream on a shared HTTP/2 connection is the pool's business.
/// </summary>
internal interface IUpstreamPool
{
    DestinationState Destination { get; }

    UpstreamPoolConfig Config { get; }

    /// <summary>Whether the destination is failing, for state-change logging instead of a line per failure.</summary>
    UpstreamFailureState Failures { get; }

    /// <summary>host:port of the destination, for a request that has no Host of its own.</summary>
    byte[] HostHeader { get; }

    /// <summary>
    /// A connection for one exchange: an idle pooled one when <paramref name="allowIdle"/> and one
    /// is alive (<see cref="LeaseResult.Reused"/>), else a new one, waiting for a slot when the
    /// pool is at its limit. Failures come back as values.
    /// </summary>
    ValueTask<LeaseResult> LeaseAsync(bool allowIdle);

    /// <summary>Takes the lease back: pooled for the next exchange when <paramref name="reusable"/>, else closed.</summary>
    void Release(UpstreamConnection connection, bool reusable);
}
