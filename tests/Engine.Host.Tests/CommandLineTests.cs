using Microsoft.Extensions.Logging;

namespace Engine.Host.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void NoArguments_RunsTheEmbeddedDefault()
    {
        Assert.Equal(Verb.RunDefault, CommandLine.Parse([]).Verb);
    }

    [Fact]
    public void Proxy_CollectsListenAndEveryDestination()
    {
        CommandLine command = CommandLine.Parse(["proxy", "--listen", "127.0.0.1:8080", "--to", "http://127.0.0.1:9001", "--to", "http://127.0.0.1:9002", "--log-level", "warning"]);

        Assert.Equal(Verb.Proxy, command.Verb);
        Assert.Equal("127.0.0.1:8080", command.Listen);
        Assert.Equal(["http://127.0.0.1:9001", "http://127.0.0.1:9002"], command.Destinations);
        Assert.Equal(LogLevel.Warning, command.LogLevel);
    }

    [Theory]
    [InlineData("proxy --to http://127.0.0.1:9001", "'proxy' needs --listen ADDRESS.")]
    [InlineData("proxy --listen 127.0.0.1:8080", "'proxy' needs at least one --to URL.")]
    [InlineData("--listen 127.0.0.1:8080", "unknown option '--listen' (did you mean 'engine proxy --listen ...'?).")]
    [InlineData("serve", "unknown command 'serve'.")]
    [InlineData("--log-level loud", "unknown log level 'loud'.")]
    public void BadCommandLine_SaysWhatIsWrong(string args, string message)
    {
        var ex = Assert.Throws<CommandLineException>(() => CommandLine.Parse(args.Split(' ')));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Help_DescribesBothWaysToRun()
    {
        Assert.Equal(Verb.Help, CommandLine.Parse(["--help"]).Verb);
        Assert.Contains("engine proxy --listen ADDRESS --to URL", CommandLine.HelpText, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:8080", CommandLine.HelpText, StringComparison.Ordinal);
    }
}
