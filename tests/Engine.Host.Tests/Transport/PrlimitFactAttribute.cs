namespace Engine.Host.Tests.Transport;

/// <summary>
/// A fact that runs the engine under a lowered descriptor limit with util-linux
/// <c>prlimit</c> and reads /proc; where either is missing (macOS, a minimal container), the
/// test is skipped with that reason rather than passed.
/// </summary>
public sealed class PrlimitFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/prlimit";

    public PrlimitFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(Path))
        {
            Skip = $"{Path} (Debian package util-linux) and /proc are needed to run the engine out of file descriptors.";
        }
    }
}
