using System.Globalization;
using System.Text.Json;
using Engine.Core.Configuration;
using Engine.Host.Logging;
using Microsoft.Extensions.Logging;

namespace Engine.Host.Tests.Logging;

/// <summary>The application log on its own: formats, destinations, levels and their changes.</summary>
public sealed class ApplicationLogTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 3, 16, 20, 1, 123, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("engine-applog-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string LogFile => Path.Combine(_directory, "engine.log");

    private string[] Lines() => File.Exists(LogFile) ? File.ReadAllLines(LogFile) : [];

    [Fact]
    public void JsonFormat_WritesOneObjectPerLine_WithTimeLevelCategoryEventMessageAndFields()
    {
        using var log = new ApplicationLog(timeProvider: new FixedClock(s_now));
        log.Apply(new LogConfig { Format = "json", File = LogFile });

        HostLog.ReloadApplied(log.CreateLogger("Engine.Gateway"), 7, 3, 2, 1.5);
        HostLog.ConfigProblem(log.CreateLogger("Engine.Config"), "a \"quoted\"\nmulti-line problem");

        string[] lines = Lines();
        Assert.Equal(2, lines.Length);
        using JsonDocument reload = JsonDocument.Parse(lines[0]);
        JsonElement line = reload.RootElement;
        Assert.Equal("2026-12-03T16:20:01.123Z", line.GetProperty("time").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-12-03T16:20:01.123Z", CultureInfo.InvariantCulture), line.GetProperty("time").GetDateTimeOffset());
        Assert.Equal("info", line.GetProperty("level").GetString());
        Assert.Equal("Engine.Gateway", line.GetProperty("category").GetString());
        Assert.Equal(120, line.GetProperty("event_id").GetInt32());
        Assert.Equal("ReloadApplied", line.GetProperty("event").GetString());
        Assert.Equal("Config reloaded: snapshot 7, 3 routers, 2 services, in 1.5 ms.", line.GetProperty("message").GetString());
        JsonElement fields = line.GetProperty("fields");
        Assert.Equal(7, fields.GetProperty("Version").GetInt64());
        Assert.Equal(3, fields.GetProperty("Routers").GetInt32());
        Assert.Equal(1.5, fields.GetProperty("Milliseconds").GetDouble());
        Assert.False(fields.TryGetProperty("{OriginalFormat}", out _));

        using JsonDocument problem = JsonDocument.Parse(lines[1]);
        Assert.Equal("error", problem.RootElement.GetProperty("level").GetString());
        Assert.Equal("a \"quoted\"\nmulti-line problem", problem.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public void TextFormat_InAFile_WritesTheDateInUtcThenLevelCategoryAndEvent()
    {
        using var log = new ApplicationLog(timeProvider: new FixedClock(s_now));
        log.Apply(new LogConfig { File = LogFile });

        HostLog.Stopped(log.CreateLogger("Engine"), 42);

        Assert.Equal(["2026-12-03T16:20:01.123Z info: Engine[103] Stopped after 42 requests"], Lines());
    }

    [Fact]
    public void Exception_InJson_IsItsOwnField()
    {
        using var log = new ApplicationLog();
        log.Apply(new LogConfig { Format = "json", File = LogFile });

        HostLog.ConfigApplyFailed(log.CreateLogger("Engine.Config"), "/etc/engine.toml", new InvalidOperationException("boom"));

        using JsonDocument line = JsonDocument.Parse(Assert.Single(Lines()));
        Assert.Contains("InvalidOperationException: boom", line.RootElement.GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ANewLevelAndFormat_TakeEffectFromTheNextLine()
    {
        using var log = new ApplicationLog();
        log.Apply(new LogConfig { File = LogFile });
        ILogger logger = log.CreateLogger("Engine");

        HostLog.AdminConnectionClosed(logger, "10.0.0.1", "before");
        log.Apply(new LogConfig { Level = "Debug", Format = "JSON", File = LogFile });
        HostLog.AdminConnectionClosed(logger, "10.0.0.1", "after");

        using JsonDocument line = JsonDocument.Parse(Assert.Single(Lines()));
        Assert.Equal("debug", line.RootElement.GetProperty("level").GetString());
        Assert.Equal("after", line.RootElement.GetProperty("fields").GetProperty("Reason").GetString());
        Assert.True(logger.IsEnabled(LogLevel.Debug));
        Assert.False(logger.IsEnabled(LogLevel.Trace));
    }

    [Fact]
    public void LevelOverride_FromTheCommandLine_WinsOverTheConfigLevel()
    {
        using var log = new ApplicationLog(levelOverride: LogLevel.Warning);

        log.Apply(new LogConfig { Level = "debug", File = LogFile });

        Assert.Equal(LogLevel.Warning, log.MinimumLevel);
        Assert.False(log.CreateLogger("Engine").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void LevelNone_WritesNothing()
    {
        using var log = new ApplicationLog();
        log.Apply(new LogConfig { Level = "none", File = LogFile });

        HostLog.ConfigProblem(log.CreateLogger("Engine"), "critical enough?");
        log.CreateLogger("Engine").Log(LogLevel.Critical, new EventId(1), "the end", null, (state, _) => state);

        Assert.Empty(Lines());
    }

    [Fact]
    public void Apply_AFileThatCannotBeOpened_ThrowsASentenceAboutLogFile_AndKeepsTheLogAsItWas()
    {
        using var log = new ApplicationLog();
        var working = new LogConfig { File = LogFile };
        log.Apply(working);
        string missing = Path.Combine(_directory, "no-such-directory", "engine.log");

        var ex = Assert.Throws<GatewayConfigException>(() => log.Apply(new LogConfig { Level = "debug", File = missing }));

        ConfigProblem problem = Assert.Single(ex.Problems);
        Assert.Equal("log.file", problem.KeyPath);
        Assert.StartsWith($"cannot open '{missing}' for the application log: ", problem.Message, StringComparison.Ordinal);
        Assert.Equal(working, log.Config);
        Assert.Equal(LogLevel.Information, log.MinimumLevel);
        HostLog.Stopped(log.CreateLogger("Engine"), 1);
        Assert.Single(Lines());
    }

    [Fact]
    public void Reopen_AfterTheFileWasMoved_WritesToANewFileAtThePath()
    {
        using var log = new ApplicationLog();
        log.Apply(new LogConfig { File = LogFile });
        ILogger logger = log.CreateLogger("Engine");
        HostLog.Stopped(logger, 1);

        File.Move(LogFile, LogFile + ".1");
        log.Reopen();
        HostLog.Stopped(logger, 2);

        Assert.EndsWith("Stopped after 1 requests", Assert.Single(File.ReadAllLines(LogFile + ".1")), StringComparison.Ordinal);
        Assert.EndsWith("Stopped after 2 requests", Assert.Single(Lines()), StringComparison.Ordinal);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
