using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Engine.Core.Transport;

/// <summary>The transport's inbound side through the ASP.NET connection abstractions.</summary>
public sealed class SocketConnectionListenerFactory(SocketTransportOptions? options = null) : IConnectionListenerFactory
{
    private readonly SocketTransportOptions _options = options ?? SocketTransportOptions.Default;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IConnectionListener>(SocketConnectionListener.Bind(endpoint, _options));
}
