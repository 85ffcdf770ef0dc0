namespace Engine.Host.Tests;

/// <summary>
/// A fact that needs external test data: skipped, and reported as skipped with the path it looked
/// for, when the data is not there, so a missing folder never passes silently.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class TestDataFactAttribute : FactAttribute
{
    public TestDataFactAttribute(string relativePath)
    {
        RelativePath = relativePath;
        if (TestData.Find(relativePath) is null)
        {
            string where = TestData.Root is null
                ? "no Engine.sln found above the test binaries"
                : Path.Combine(TestData.Root, relativePath);
            Skip = $"Test data not found ({where}); set {TestData.EnvironmentVariable} to the testdata folder.";
        }
    }

    public string RelativePath { get; }
}
