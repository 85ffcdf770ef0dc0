using Engine.Core.Configuration;

namespace Engine.Host.Tests.Configuration;

/// <summary>The <c>[log]</c> table: the application log's level, format and destination.</summary>
public sealed class ConfigLoaderLogTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Load_LogTable_BindsLevelFormatAndFileAsWritten()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + """
            [log]
            level = "DEBUG"
            format = "Json"
            file = "/var/log/engine/engine.log"
            """);

        LogConfig log = _files.Config().Log!;

        Assert.Equal(new LogConfig { Level = "DEBUG", Format = "Json", File = "/var/log/engine/engine.log" }, log);
    }

    [Fact]
    public void Load_EmptyLogTable_GivesTheDefaults()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + "[log]\n");

        Assert.Equal(new LogConfig { Level = "info", Format = "text", File = "stdout" }, _files.Config().Log);
    }

    [Fact]
    public void Load_WithoutLogTable_LeavesLogNull()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal);

        Assert.Null(_files.Config().Log);
    }

    [Theory]
    [InlineData("err")]
    [InlineData("Warning")]
    [InlineData("critical")]
    [InlineData("none")]
    [InlineData("TRACE")]
    public void Load_EveryLevelName_InAnyCase_IsAccepted(string level)
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + $"[log]\nlevel = \"{level}\"\n");

        Assert.Equal(level, _files.Config().Log!.Level);
    }

    [Theory]
    [InlineData("level = \"verbose\"", "gateway.toml:12:1: log.level: 'verbose' is not a log level; expected trace, debug, info, warn, error, critical or none.")]
    [InlineData("level = \"debg\"", "gateway.toml:12:1: log.level: 'debg' is not a log level; expected trace, debug, info, warn, error, critical or none; did you mean 'debug'?")]
    [InlineData("format = \"yaml\"", "gateway.toml:12:1: log.format: 'yaml' is not a format; expected text or json.")]
    [InlineData("format = \"jsn\"", "gateway.toml:12:1: log.format: 'jsn' is not a format; expected text or json; did you mean 'json'?")]
    [InlineData("file = \" \"", "gateway.toml:12:1: log.file: must name a file, or be \"stdout\" or \"stderr\".")]
    [InlineData("levl = \"debug\"", "gateway.toml:12:1: log.levl: unknown key 'levl'; did you mean 'level'?")]
    public void Load_BadLogValue_IsReportedAtItsLineAsASentence(string line, string error)
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + $"[log]\n{line}\n");

        Assert.Equal([error], _files.Errors());
    }

    [Fact]
    public void Load_LevelThatIsNotAString_IsReportedAtItsValue()
    {
        _files.Write("gateway.toml", ConfigFiles.Minimal + "[log]\nlevel = 3\n");

        string error = Assert.Single(_files.Errors());
        Assert.StartsWith("gateway.toml:12:9: log.level: expected a string", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LogTableInTwoFiles_IsReportedAtTheSecond()
    {
        _files.Write("conf.d/a.toml", ConfigFiles.Minimal + "[log]\nlevel = \"debug\"\n");
        _files.Write("conf.d/b.toml", "[log]\nlevel = \"warn\"\n");

        string error = Assert.Single(_files.Errors("conf.d"));
        Assert.Contains("conf.d/b.toml:1:2: log: already defined in ", error, StringComparison.Ordinal);
    }
}
