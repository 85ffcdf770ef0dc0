using Microsoft.AspNetCore.Connections;

namespace Engine.Core.Connections;

/// <summary>
/// Composes an entrypoint's connection pipeline: steps that each take the next delegate and
/// return their own (a TCP filter, PROXY protocol, a ClientHello peek, TLS termination, a
/// protocol sniff), ending in a protocol handler. Steps read <see cref="ConnectionContext.Transport"/>
/// and features only, so a step may wrap the duplex pipe (TLS) or the context (to add a
/// feature) for the steps after it. Built once per entrypoint, on the config path.
/// </summary>
public sealed class ConnectionPipelineBuilder
{
    private readonly List<Func<ConnectionDelegate, ConnectionDelegate>> _steps = [];

    /// <summary>Adds a step; steps run in the order they were added.</summary>
    public ConnectionPipelineBuilder Use(Func<ConnectionDelegate, ConnectionDelegate> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        _steps.Add(step);
        return this;
    }

    /// <summary>The pipeline ending in <paramref name="handler"/>.</summary>
    public ConnectionDelegate Build(ConnectionDelegate handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ConnectionDelegate next = handler;
        for (int i = _steps.Count - 1; i >= 0; i--)
        {
            next = _steps[i](next);
        }
        return next;
    }
}
