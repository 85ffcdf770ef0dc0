namespace Engine.TestSupport;

/// <summary>
/// Locates the external conformance data (shared/testdata): the ENGINE_TESTDATA variable when
/// set, else <c>../shared/testdata</c> next to the folder that holds Engine.sln, found by walking
/// up from the test assembly.
/// </summary>
public static class TestData
{
    public const string EnvironmentVariable = "ENGINE_TESTDATA";

    private static readonly Lazy<string?> Root = new(Locate);

    /// <summary>The testdata folder, or null when it does not exist on this machine.</summary>
    public static string? Directory => Root.Value;

    /// <summary>Why the data is missing, for a skip message.</summary>
    public static string MissingMessage =>
        $"External test data not found: set {EnvironmentVariable} or place it at ../shared/testdata beside the folder holding Engine.sln.";

    public static string PathTo(string relative) =>
        System.IO.Path.Combine(Directory ?? throw new InvalidOperationException(MissingMessage), relative);

    private static string? Locate()
    {
        string? overridden = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(overridden))
        {
            return System.IO.Directory.Exists(overridden) ? System.IO.Path.GetFullPath(overridden) : null;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Engine.sln")))
            {
                string candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "testdata"));
                return System.IO.Directory.Exists(candidate) ? candidate : null;
            }
        }
        return null;
    }
}
