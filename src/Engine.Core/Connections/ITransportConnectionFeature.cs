using Microsoft.AspNetCore.Connections;

namespace Engine.Core.Connections;

/// <summary>
/// What a handler may ask of the transport beneath its pipes, whichever transport it is
/// (sockets, in-memory pipes): a number for logs, and a callback for the peer resetting the
/// connection, so a handler waiting on something else (an upstream) can stop early.
/// </summary>
public interface ITransportConnectionFeature
{
    /// <summary>Process-unique number, cheap to log and to key on.</summary>
    long Id { get; }

    /// <summary>The local port the peer connected to (known without a system call on accepted sockets).</summary>
    int LocalPort { get; }

    /// <summary>
    /// Registers a callback for the peer resetting the connection (not for a clean FIN, not for
    /// our own abort). One per connection; set it before the peer can fail.
    /// </summary>
    void OnPeerReset(Action<object?> callback, object? state);
}

/// <summary>Feature lookup that costs nothing for the features a transport implements itself.</summary>
public static class ConnectionFeatures
{
    /// <summary>
    /// The feature <typeparamref name="T"/> of <paramref name="connection"/>: the context itself
    /// when it implements it (no collection is created), else its feature collection.
    /// </summary>
    public static T? Get<T>(ConnectionContext connection) where T : class
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection is T direct)
        {
            return direct;
        }
        if (connection is IFeatureCollectionOwner { HasFeatures: false })
        {
            return null;
        }
        return connection.Features.Get<T>();
    }

    /// <summary>A transport's feature collection, holding the transport feature from the start.</summary>
    public static Microsoft.AspNetCore.Http.Features.IFeatureCollection CreateCollection(ITransportConnectionFeature transport)
    {
        var features = new Microsoft.AspNetCore.Http.Features.FeatureCollection();
        features.Set(transport);
        return features;
    }
}

/// <summary>A connection whose feature collection is created on first use: none asked, none set.</summary>
public interface IFeatureCollectionOwner
{
    bool HasFeatures { get; }
}
