namespace Engine.Host.Tests.Packaging;

/// <summary>
/// A fact that needs <c>systemd-analyze</c> (Debian package systemd, which .ci/run installs);
/// where it is absent, as on macOS or a container without systemd, the test is skipped with that
/// reason rather than passed.
/// </summary>
public sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/systemd-analyze";

    public SystemdAnalyzeFactAttribute()
    {
        if (!File.Exists(Path))
        {
            Skip = $"{Path} is not installed (apt-get install systemd), so packaging/engine.service is not verified here.";
        }
    }
}
