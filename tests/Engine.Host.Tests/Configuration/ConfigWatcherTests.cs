using System.Collections.Concurrent;
using System.Threading.Channels;
using Engine.Core.Configuration;
using Engine.Host.Configuration;
using Microsoft.Extensions.Logging;

namespace Engine.Host.Tests.Configuration;

public sealed class ConfigWatcherTests : IDisposable
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(5);

    private readonly ConfigFiles _files = new();
    private readonly ListLogger _log = new();
    private readonly Channel<GatewayConfig> _applied = Channel.CreateUnbounded<GatewayConfig>();
    private readonly Channel<ConfigReloadAttempt> _failed = Channel.CreateUnbounded<ConfigReloadAttempt>();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task FileReplacedByRename_DeliversTheNewConfigWithin5Seconds()
    {
        string path = _files.Write("gateway.toml", ConfigFiles.Minimal);
        await using ConfigWatcher watcher = Start(path);

        ReplaceAtomically(path, ConfigFiles.Minimal.Replace("18001", "18002", StringComparison.Ordinal));

        GatewayConfig next = await _applied.Reader.ReadAsync().AsTask().WaitAsync(s_patience);
        Assert.Equal("http://127.0.0.1:18002", next.Services[0].Destinations[0].Address);
    }

    [Fact]
    public async Task InvalidReplacement_IsLoggedAndNotApplied()
    {
        string path = _files.Write("gateway.toml", ConfigFiles.Minimal);
        await using ConfigWatcher watcher = Start(path);

        ReplaceAtomically(path, ConfigFiles.Minimal.Replace("service = \"app\"", "service = \"nope\"", StringComparison.Ordinal));

        string problem = $"{path}:6:1: routers.app.service: no service named 'nope'.";
        await WaitUntil(() => _log.Messages.Contains(problem));
        Assert.Contains(_log.Messages, m => m.StartsWith($"Configuration in {path} is invalid (1 problems)", StringComparison.Ordinal));
        // The rejected load is handed over as a failed attempt, after its problems are logged.
        ConfigReloadAttempt failed = await _failed.Reader.ReadAsync().AsTask().WaitAsync(s_patience);
        Assert.Equal("file", failed.Source);
        Assert.Equal([problem], failed.Errors);
        Assert.False(_applied.Reader.TryRead(out _));
    }

    [Fact]
    public async Task RequestedReload_OfBrokenToml_IsHandedOverAsAFailedSignalAttempt()
    {
        string path = _files.Write("gateway.toml", ConfigFiles.Minimal);
        await using ConfigWatcher watcher = Start(path, watchFiles: false);
        File.WriteAllText(path, ConfigFiles.Minimal.Replace("[routers.app]", "[routers.app", StringComparison.Ordinal));

        watcher.RequestReload("SIGHUP");

        ConfigReloadAttempt failed = await _failed.Reader.ReadAsync().AsTask().WaitAsync(s_patience);
        Assert.Equal("signal", failed.Source);
        Assert.Null(failed.Loaded);
        Assert.StartsWith($"{path}:4:", Assert.Single(failed.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewFileInADirectoryIncludedWithATrailingSlash_IsMergedIn()
    {
        string path = _files.Write("gateway.toml", ConfigFiles.Minimal + "[providers.file]\ndirectory = \"conf.d/\"\n");
        _files.Write("conf.d/10-first.toml", "[routers.first]\nrule = \"Path(`/first`)\"\nservice = \"app\"\n");
        await using ConfigWatcher watcher = Start(path);

        _files.Write("conf.d/20-added.toml", "[routers.added]\nrule = \"Path(`/added`)\"\nservice = \"app\"\n");

        GatewayConfig next = await _applied.Reader.ReadAsync().AsTask().WaitAsync(s_patience);
        Assert.Equal(["app", "first", "added"], next.Routers.Select(r => r.Name));
    }

    [Fact]
    public async Task ReplacementWithAWarning_IsAppliedAndTheWarningLoggedOnce()
    {
        string path = _files.Write("gateway.toml", ConfigFiles.Minimal);
        await using ConfigWatcher watcher = Start(path);

        ReplaceAtomically(path, ConfigFiles.Minimal + "[services.old.load_balancer]\n[[services.old.load_balancer.servers]]\nurl = \"http://127.0.0.1:18009\"\n");

        GatewayConfig next = await _applied.Reader.ReadAsync().AsTask().WaitAsync(s_patience);
        Assert.Equal(["app", "old"], next.Services.Select(s => s.Name));
        string warning = $"{path}:11:11: warning: services.old: no router uses this service, directly or through a weighted service, so it never receives a request.";
        Assert.Single(_log.Messages, m => m == warning);
    }

    [Fact]
    public async Task NewFileInWatchedDirectory_IsMergedIn()
    {
        _files.Write("etc/10-base.toml", ConfigFiles.Minimal);
        await using ConfigWatcher watcher = Start(Path.Combine(_files.Root, "etc"));

        _files.Write("etc/20-more.toml", "[routers.more]\nrule = \"Path(`/more`)\"\nservice = \"app\"\n");

        GatewayConfig next = await _applied.Reader.ReadAsync().AsTask().WaitAsync(s_patience);
        Assert.Equal(["app", "more"], next.Routers.Select(r => r.Name));
    }

    [Fact]
    public async Task ReloadsRequestedDuringASlowApply_RunOneAtATime()
    {
        string path = _files.Write("gateway.toml", ConfigFiles.Minimal);
        int running = 0;
        int mostAtOnce = 0;
        int calls = 0;
        var loaded = ConfigLoader.Load(path, _ => null);
        await using var watcher = new ConfigWatcher(path, loaded, async (ConfigReloadAttempt _) =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            await Task.Delay(200);
            Interlocked.Decrement(ref running);
            Interlocked.Increment(ref calls);
        }, _log, watchFiles: false, handleHangupSignal: false, environment: _ => null);
        watcher.Start();

        for (int i = 0; i < 5; i++)
        {
            watcher.RequestReload("test");
            await Task.Delay(50);
        }

        await WaitUntil(() => Volatile.Read(ref calls) >= 2);
        Assert.Equal(1, Volatile.Read(ref mostAtOnce));
    }

    private ConfigWatcher Start(string path, bool watchFiles = true)
    {
        LoadedConfig loaded = ConfigLoader.Load(path, _ => null);
        var watcher = new ConfigWatcher(path, loaded, Receive, _log, watchFiles, handleHangupSignal: false, environment: _ => null);
        watcher.Start();
        return watcher;
    }

    private Task Receive(ConfigReloadAttempt attempt) => attempt.Loaded is { } loaded
        ? _applied.Writer.WriteAsync(loaded.Config).AsTask()
        : _failed.Writer.WriteAsync(attempt).AsTask();

    /// <summary>How editors save: write a sibling, then rename it over the original (a new inode).</summary>
    private static void ReplaceAtomically(string path, string text)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + s_patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the watcher");
            await Task.Delay(20);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private sealed class ListLogger : ILogger
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception));
    }
}
