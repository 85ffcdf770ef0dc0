namespace Engine.Host.Tests;

/// <summary>
/// Finds the external conformance data (/work/shared/testdata, see its README) in place: the
/// ENGINE_TESTDATA environment variable when set, else <c>../shared/testdata</c> next to the directory
/// that holds Engine.sln, found by walking up from the test binaries.
/// </summary>
public static class TestData
{
    public const string EnvironmentVariable = "ENGINE_TESTDATA";

    /// <summary>The test-data root, or null when no Engine.sln is above the test binaries.</summary>
    public static string? Root { get; } = FindRoot();

    /// <summary>The full path of <paramref name="relativePath"/> under <see cref="Root"/>, or null when it does not exist.</summary>
    public static string? Find(string relativePath)
    {
        if (Root is null)
        {
            return null;
        }

        string path = Path.Combine(Root, relativePath);
        return File.Exists(path) || Directory.Exists(path) ? path : null;
    }

    private static string? FindRoot()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Engine.sln")))
            {
                return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "testdata"));
            }
        }

        return null;
    }
}
