using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Engine.Host.Metrics;

/// <summary>
/// Which engine build is running, said once for every place that tells: <c>engine version</c>
/// prints <see cref="Describe"/>, and <c>/metrics</c> labels <c>engine_build_info</c> with
/// <see cref="Version"/> and <see cref="Runtime"/>, so the two always agree.
/// </summary>
public static class BuildInfo
{
    /// <summary>
    /// The informational version (e.g. <c>1.0.0+5e7469e…</c>: the SDK appends the source commit),
    /// else the assembly version, else "unknown".
    /// </summary>
    public static string Version { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(BuildInfo).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>The .NET runtime, e.g. ".NET 10.0.12".</summary>
    public static string Runtime => RuntimeInformation.FrameworkDescription;

    /// <summary>"native AOT" for the ahead-of-time compiled binary, "JIT" otherwise.</summary>
    public static string CodeGeneration => RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "native AOT";

    /// <summary>The line <c>engine version</c> prints: <c>engine 1.0.0+… (.NET 10.0.12, native AOT)</c>.</summary>
    public static string Describe() => $"engine {Version} ({Runtime}, {CodeGeneration})";
}
