using Microsoft.Extensions.Logging;

namespace Engine.Host.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void NoArguments_RunsTheEmbeddedDefault()
    {
        CommandLine command = CommandLine.Parse([]);

        Assert.Equal(Verb.Run, command.Verb);
        Assert.Null(command.ConfigPath);
    }

    [Theory]
    [InlineData("run --config gateway.toml")]
    [InlineData("--config gateway.toml")]
    [InlineData("-c gateway.toml")]
    [InlineData("run -c gateway.toml --log-level debug")]
    public void Config_WithOrWithoutTheRunVerb_RunsThatFile(string args)
    {
        CommandLine command = CommandLine.Parse(args.Split(' '));

        Assert.Equal(Verb.Run, command.Verb);
        Assert.Equal("gateway.toml", command.ConfigPath);
    }

    [Fact]
    public void Validate_TakesTheConfigPath()
    {
        CommandLine command = CommandLine.Parse(["validate", "--config", "conf.d/"]);

        Assert.Equal(Verb.Validate, command.Verb);
        Assert.Equal("conf.d/", command.ConfigPath);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("--version")]
    [InlineData("run --version")]
    public void Version_AsVerbOrOption_PrintsTheVersion(string args)
    {
        Assert.Equal(Verb.Version, CommandLine.Parse(args.Split(' ')).Verb);
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
    [InlineData("info", LogLevel.Information)]
    [InlineData("Information", LogLevel.Information)]
    [InlineData("warn", LogLevel.Warning)]
    [InlineData("WARNING", LogLevel.Warning)]
    [InlineData("WARN", LogLevel.Warning)]
    [InlineData("err", LogLevel.Error)]
    [InlineData("Error", LogLevel.Error)]
    [InlineData("trace", LogLevel.Trace)]
    [InlineData("none", LogLevel.None)]
    public void LogLevel_TakesTheFullNamesAndTheShortForms(string level, LogLevel expected)
    {
        Assert.Equal(expected, CommandLine.Parse(["run", "--log-level", level]).LogLevel);
    }

    [Fact]
    public void LogLevel_WhenNotGiven_IsNull_SoTheConfigFileDecides()
    {
        Assert.Null(CommandLine.Parse(["run", "--config", "gateway.toml"]).LogLevel);
    }

    [Fact]
    public void LogLevel_AsANumber_IsRefused()
    {
        Assert.Throws<CommandLineException>(() => CommandLine.Parse(["run", "--log-level", "3"]));
    }

    [Theory]
    [InlineData("proxy --to http://127.0.0.1:9001", "'proxy' needs --listen ADDRESS.")]
    [InlineData("proxy --listen 127.0.0.1:8080", "'proxy' needs at least one --to URL.")]
    [InlineData("--listen 127.0.0.1:8080", "unknown option '--listen' (did you mean 'engine proxy --listen ...'?).")]
    [InlineData("serve", "unknown command 'serve'.")]
    [InlineData("--log-level loud", "unknown log level 'loud'; use trace, debug, info, warn, error, critical or none.")]
    [InlineData("validate", "'validate' needs --config FILE|DIR.")]
    [InlineData("validate gateway.toml", "unexpected argument 'gateway.toml' (did you mean '--config gateway.toml'?).")]
    [InlineData("run --config a.toml --config b.toml", "--config is given twice; to merge several files, put them in one directory.")]
    [InlineData("run --config", "--config needs a value.")]
    [InlineData("proxy --config a.toml", "unknown option '--config' ('proxy' takes no config file; use 'engine run --config').")]
    public void BadCommandLine_SaysWhatIsWrong(string args, string message)
    {
        var ex = Assert.Throws<CommandLineException>(() => CommandLine.Parse(args.Split(' ')));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Help_DescribesEveryWayToRun()
    {
        Assert.Equal(Verb.Help, CommandLine.Parse(["--help"]).Verb);
        Assert.Equal(Verb.Help, CommandLine.Parse(["help"]).Verb);
        Assert.Contains("engine [run] --config FILE|DIR", CommandLine.HelpText, StringComparison.Ordinal);
        Assert.Contains("engine validate --config FILE|DIR", CommandLine.HelpText, StringComparison.Ordinal);
        Assert.Contains("engine proxy --listen ADDRESS --to URL", CommandLine.HelpText, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:8080", CommandLine.HelpText, StringComparison.Ordinal);
    }
}
