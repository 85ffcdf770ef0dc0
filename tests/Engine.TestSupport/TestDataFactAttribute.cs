namespace Engine.TestSupport;

/// <summary>
/// A fact over the external conformance data: skipped, with the reason shown, when the data is
/// not on this machine, so a missing folder never reads as a pass.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class TestDataFactAttribute : FactAttribute
{
    public TestDataFactAttribute(string requiredSubfolder = "")
    {
        string? root = TestData.Directory;
        if (root is null)
        {
            Skip = TestData.MissingMessage;
        }
        else if (requiredSubfolder.Length > 0 && !Directory.Exists(Path.Combine(root, requiredSubfolder)) && !File.Exists(Path.Combine(root, requiredSubfolder)))
        {
            Skip = $"External test data '{requiredSubfolder}' is missing under {root}.";
        }
    }
}
