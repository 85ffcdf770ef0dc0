using System.Text;

namespace Engine.Http.Proxy;

/// <summary>
/// Routes by host and path prefix: exact host routes first (longest prefix wins), then routes
/// for any host. Deliberately small: the compiled rule matcher replaces it.
/// </summary>
internal sealed class HostPathRouteTable
{
    private readonly Entry[] _entries;

    public HostPathRouteTable(IEnumerable<(string? Host, string PathPrefix, ServiceModel Service)> routes)
    {
        var entries = new List<Entry>();
        foreach ((string? host, string prefix, ServiceModel service) in routes)
        {
            entries.Add(new Entry(host == null ? null : Encoding.ASCII.GetBytes(host.ToLowerInvariant()), Encoding.ASCII.GetBytes(prefix), service));
        }
        // Host-specific before host-less, then longer prefixes first: the first hit is the answer.
        entries.Sort(static (a, b) =>
        {
            int byHost = (b.Host != null).CompareTo(a.Host != null);
            return byHost != 0 ? byHost : b.PathPrefix.Length.CompareTo(a.PathPrefix.Length);
        });
        _entries = [.. entries];
    }

    public int Count => _entries.Length;

    /// <summary>The service for a request, or null (404). <paramref name="host"/> may carry a port.</summary>
    public ServiceModel? Match(ReadOnlySpan<byte> host, ReadOnlySpan<byte> path)
    {
        int colon = host.LastIndexOf((byte)':');
        if (colon >= 0 && host.IndexOf((byte)']') < colon)
        {
            host = host.Slice(0, colon);
        }
        foreach (Entry entry in _entries)
        {
            if (entry.Host != null && !System.Text.Ascii.EqualsIgnoreCase(host, entry.Host))
            {
                continue;
            }
            if (path.StartsWith(entry.PathPrefix))
            {
                return entry.Service;
            }
        }
        return null;
    }

    private sealed record Entry(byte[]? Host, byte[] PathPrefix, ServiceModel Service);
}
