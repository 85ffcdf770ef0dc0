using System.Net;
using System.Net.Sockets;
using System.Text;
using Engine.Core.Routing;

namespace Engine.Core.LoadBalancing;

/// <summary>
/// The compiled form of a <see cref="HashKeyConfig"/>: reads the key from a request and hashes
/// it with <see cref="StableHash"/>, without allocating.
/// </summary>
internal sealed class RequestKeySelector
{
    private static ReadOnlySpan<byte> Whitespace => " \t"u8;

    private readonly HashKeySource _source;
    private readonly byte[] _name;

    public RequestKeySelector(HashKeyConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _source = config.Source;
        if (_source is HashKeySource.Header or HashKeySource.Cookie)
        {
            if (!RequestCookies.IsToken(config.Name))
            {
                throw new ArgumentException($"A {_source} hash key needs a name that is an RFC 9110 token, not '{config.Name}'.", nameof(config));
            }

            _name = Encoding.ASCII.GetBytes(config.Name);
        }
        else if (_source is HashKeySource.ClientAddress)
        {
            _name = [];
        }
        else
        {
            throw new ArgumentException($"Unknown hash key source {_source}.", nameof(config));
        }
    }

    /// <summary>The key's hash; false when the request has no such key (or an empty one).</summary>
    public bool TryGetHash<TInput>(TInput request, out ulong hash)
        where TInput : IRouteInput, allows ref struct
    {
        switch (_source)
        {
            case HashKeySource.ClientAddress:
                return TryHashAddress(request.ClientAddress, out hash);
            case HashKeySource.Cookie:
                if (RequestCookies.TryGetValue(request, _name, out ReadOnlySpan<byte> cookie) && !cookie.IsEmpty)
                {
                    hash = StableHash.Hash64(cookie);
                    return true;
                }

                break;
            default:
                int count = request.HeaderCount;
                for (int i = 0; i < count; i++)
                {
                    if (Ascii.EqualsIgnoreCase(request.GetHeaderName(i), _name))
                    {
                        ReadOnlySpan<byte> value = request.GetHeaderValue(i).Trim(Whitespace);
                        if (value.IsEmpty)
                        {
                            break;
                        }

                        hash = StableHash.Hash64(value);
                        return true;
                    }
                }

                break;
        }

        hash = 0;
        return false;
    }

    /// <summary>
    /// Hashes the address bytes, an IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack
    /// socket reports for IPv4 peers) as its IPv4 form, so one client hashes alike on both kinds
    /// of listener. The IPv6 scope id is left out: it names a local interface, not the client.
    /// </summary>
    private static bool TryHashAddress(IPAddress? address, out ulong hash)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address is null || !address.TryWriteBytes(bytes, out int written))
        {
            hash = 0;
            return false;
        }

        ReadOnlySpan<byte> key = bytes.Slice(0, written);
        if (address.AddressFamily == AddressFamily.InterNetworkV6
            && key.Slice(0, 10).IndexOfAnyExcept((byte)0) < 0
            && key[10] == 0xFF
            && key[11] == 0xFF)
        {
            key = key.Slice(12);
        }

        hash = StableHash.Hash64(key);
        return true;
    }
}
