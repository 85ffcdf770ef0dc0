namespace Engine.Http;

/// <summary>
/// The request method as a small enum so the data path never compares strings. Any other token
/// is <see cref="Custom"/>; its bytes stay available through <see cref="HttpRequestHead.MethodBytes"/>.
/// </summary>
public enum HttpMethod : byte
{
    Custom = 0,
    Get,
    Head,
    Post,
    Put,
    Delete,
    Connect,
    Options,
    Trace,
    Patch,
}
