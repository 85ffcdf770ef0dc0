namespace Engine.Http;

/// <summary>The protocol a message arrived with. HTTP/2 joins this list when its framer lands.</summary>
public enum HttpVersion : byte
{
    Http10 = 0,
    Http11 = 1,
}
