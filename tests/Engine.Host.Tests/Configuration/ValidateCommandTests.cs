using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Configuration;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Validate_ValidFile_PrintsASummaryAndReturns0()
    {
        string path = _files.Write("gateway.toml", ConfigFiles.Minimal.Replace("service = \"app\"\n", "service = \"app\"\npriority = 5\n", StringComparison.Ordinal) + """
            [services.canary.weighted]
            [[services.canary.weighted.services]]
            name = "app"
            weight = 3
            """);
        var output = new StringWriter();
        var error = new StringWriter();

        int exitCode = ValidateCommand.Run(path, output, error);

        Assert.Equal(0, exitCode);
        Assert.Equal("", error.ToString());
        string summary = output.ToString();
        Assert.Contains($"{path}: valid (1 file)", summary, StringComparison.Ordinal);
        Assert.Contains("  web: http://127.0.0.1:18000", summary, StringComparison.Ordinal);
        Assert.Contains("  app: PathPrefix(`/`)", summary, StringComparison.Ordinal);
        Assert.Contains("priority 5 -> service app, on every entrypoint", summary, StringComparison.Ordinal);
        Assert.Contains("  app: round_robin", summary, StringComparison.Ordinal);
        Assert.Contains("      http://127.0.0.1:18001 (weight 1)", summary, StringComparison.Ordinal);
        Assert.Contains("  canary: weighted app (3)", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InvalidFile_PrintsEveryErrorAndReturns1()
    {
        string path = _files.Write("gateway.toml", ConfigFiles.Minimal.Replace("service = \"app\"", "service = \"ap\"\nprioriti = 1", StringComparison.Ordinal));
        var output = new StringWriter();
        var error = new StringWriter();

        int exitCode = ValidateCommand.Run(path, output, error);

        Assert.Equal(1, exitCode);
        Assert.Equal("", output.ToString());
        Assert.Equal(
        [
            $"engine: {path} is invalid (2 problems):",
            $"{path}:6:1: routers.app.service: no service named 'ap'; did you mean 'app'?",
            $"{path}:7:1: routers.app.prioriti: unknown key 'prioriti'; did you mean 'priority'?",
        ], error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void EngineProcess_Validate_ExitsWith0ForValidAnd1ForInvalidConfig()
    {
        string valid = _files.Write("valid.toml", ConfigFiles.Minimal);
        string invalid = _files.Write("invalid.toml", ConfigFiles.Minimal + "[admin]\naddress = 18900\n");
        string engine = Path.Combine(AppContext.BaseDirectory, "engine.dll");

        (int validExit, string validOut, _) = TestTools.Run("dotnet", $"exec {engine} validate --config {valid}", TimeSpan.FromSeconds(60));
        (int invalidExit, _, string invalidErr) = TestTools.Run("dotnet", $"exec {engine} validate -c {invalid}", TimeSpan.FromSeconds(60));

        Assert.Equal(0, validExit);
        Assert.Contains("valid (1 file)", validOut, StringComparison.Ordinal);
        Assert.Equal(1, invalidExit);
        Assert.Contains($"{invalid}:12:11: admin.address: expected a string, found an integer (18900).", invalidErr, StringComparison.Ordinal);
    }
}
