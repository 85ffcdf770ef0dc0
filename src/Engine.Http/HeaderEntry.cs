namespace Engine.Http;

/// <summary>
/// One header field as offsets into the message head's contiguous bytes: no strings, and the
/// name keeps the case and position it arrived with. <see cref="Hop"/> marks a field that must
/// not be forwarded (hop-by-hop per RFC 9110 §7.6.1, or named by the Connection header).
/// </summary>
public struct HeaderEntry
{
    public int NameStart;
    public int NameLength;
    public int ValueStart;
    public int ValueLength;
    public KnownHeader Known;
    public bool Hop;
}
