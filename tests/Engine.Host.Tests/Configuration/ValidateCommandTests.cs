using Engine.TestSupport.Net;

namespace Engine.Host.Tests.Configuration;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Validate_ValidFileWithAWarning_PrintsTheWarningAndASummaryAndReturns0()
    {
        string path = _files.Write("gateway.toml", ConfigFiles.Minimal.Replace("service = \"app\"\n", "service = \"app\"\npriority = 5\n", StringComparison.Ordinal) + """
            [services.canary.weighted]
            [[services.canary.weighted.services]]
            name = "app"
            weight = 3

            [log]
            level = "debug"
            format = "json"
            file = "/var/log/engine.log"
            """);
        var output = new StringWriter();
        var error = new StringWriter();

        int exitCode = ValidateCommand.Run(path, output, error);

        // canary is not routed to: a warning, which leaves the exit code 0.
        Assert.Equal(0, exitCode);
        Assert.Equal($"{path}:12:11: warning: services.canary: no router uses this service, directly or through a weighted service, so it never receives a request.{Environment.NewLine}", error.ToString());
        string summary = output.ToString();
        Assert.Contains($"{path}: valid (1 file, 1 warning)", summary, StringComparison.Ordinal);
        Assert.Contains("  web: http://127.0.0.1:18000", summary, StringComparison.Ordinal);
        Assert.Contains("  app: PathPrefix(`/`)", summary, StringComparison.Ordinal);
        Assert.Contains("priority 5 -> service app, on every entrypoint", summary, StringComparison.Ordinal);
        Assert.Contains("  app: round_robin", summary, StringComparison.Ordinal);
        Assert.Contains("      http://127.0.0.1:18001 (weight 1)", summary, StringComparison.Ordinal);
        Assert.Contains("  canary: weighted app (3)", summary, StringComparison.Ordinal);
        Assert.Contains("log: debug level, json to /var/log/engine.log (--log-level overrides the level)", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ServersWithDifferentWeights_ShowsTheRatioBesideTheStrategy()
    {
        string path = _files.Write("gateway.toml", ConfigFiles.Minimal + """
            weight = 3
            [[services.app.load_balancer.servers]]
            url = "http://127.0.0.1:18002"
            """);
        var output = new StringWriter();

        int exitCode = ValidateCommand.Run(path, output, new StringWriter());

        Assert.Equal(0, exitCode);
        Assert.Contains($"  app: round_robin (weighted 3:1){Environment.NewLine}", output.ToString(), StringComparison.Ordinal);
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
    public void Validate_FileWithMiddlewares_ShowsThemAndEachChain()
    {
        string path = _files.Write("gateway.toml", ConfigFiles.Minimal
            .Replace("address = \"127.0.0.1:18000\"\n", "address = \"127.0.0.1:18000\"\nmiddlewares = [\"h\"]\n", StringComparison.Ordinal)
            .Replace("service = \"app\"\n", "service = \"app\"\nmiddlewares = [\"strip\", \"add\"]\n", StringComparison.Ordinal) + """
            [middlewares.h]
            type = "headers"
            request_headers = { X-Env = "prod", "X-Quote" = "say \"hi\"" }
            remove_response_headers = ["Server"]

            [middlewares.strip]
            type = "strip-prefix"
            prefixes = ["/api"]

            [middlewares.add]
            type = "add-prefix"
            prefix = "/v2"
            """);
        var output = new StringWriter();
        var error = new StringWriter();

        int exitCode = ValidateCommand.Run(path, output, error);

        Assert.Equal(0, exitCode);
        Assert.Equal("", error.ToString());
        string summary = output.ToString();
        Assert.Contains("      middlewares (before each router's): h", summary, StringComparison.Ordinal);
        Assert.Contains("      middlewares: strip, add", summary, StringComparison.Ordinal);
        Assert.Contains(string.Join(Environment.NewLine,
            "middlewares (3):",
            "  h: headers",
            "      request_headers = { X-Env = \"prod\", X-Quote = \"say \\\"hi\\\"\" }",
            "      remove_response_headers = [\"Server\"]",
            "  strip: strip-prefix",
            "      prefixes = [\"/api\"]",
            "  add: add-prefix",
            "      prefix = \"/v2\""), summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FileWithMiddlewareErrors_PrintsEachLocated()
    {
        string path = _files.Write("gateway.toml", ConfigFiles.Minimal
            .Replace("address = \"127.0.0.1:18000\"\n", "address = \"127.0.0.1:18000\"\nmiddlewares = [\"header\"]\n", StringComparison.Ordinal)
            .Replace("service = \"app\"\n", "service = \"app\"\nmiddlewares = [\"strip\", \"ad\"]\n", StringComparison.Ordinal) + """
            [middlewares.headers]
            type = "headers"
            request_headers = { "X Env" = "prod" }
            response_header = { Server = "engine" }

            [middlewares.strip]
            type = "strip-prefx"

            [middlewares.add]
            type = "add-prefix"
            prefix = "/v2"
            """);
        var output = new StringWriter();
        var error = new StringWriter();

        int exitCode = ValidateCommand.Run(path, output, error);

        Assert.Equal(1, exitCode);
        Assert.Equal("", output.ToString());
        Assert.Equal(
        [
            $"engine: {path} is invalid (5 problems):",
            $"{path}:3:16: entrypoints.web.middlewares[0]: no middleware named 'header'; did you mean 'headers'?",
            $"{path}:8:25: routers.app.middlewares[1]: no middleware named 'ad'; did you mean 'add'?",
            $"{path}:15:21: middlewares.headers.request_headers.X Env: 'X Env' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only).",
            $"{path}:16:1: middlewares.headers.response_header: unknown key for a middleware of type 'headers'; did you mean 'response_headers'?",
            $"{path}:19:1: middlewares.strip.type: unknown middleware type 'strip-prefx'; did you mean 'strip-prefix'?",
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
