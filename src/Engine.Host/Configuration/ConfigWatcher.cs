using System.Runtime.InteropServices;
using System.Threading.Channels;
using Engine.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Engine.Host.Configuration;

/// <summary>
/// Reloads a configuration when its files change or the process gets SIGHUP, and hands each
/// attempt to a callback, one at a time: the new configuration, or, when the files do not make
/// one, every problem (also logged problem by problem; the running configuration stays).
/// </summary>
/// <remarks>
/// The watchers are on directories, not files: an editor that saves by writing a temporary file and
/// renaming it over the original (vim, VS Code, <c>sed -i</c>) replaces the inode a file watch
/// would follow, while the directory sees the rename. Bursts of events (one save is often four)
/// are coalesced: each event restarts a short timer and only its expiry triggers a reload.
/// </remarks>
public sealed class ConfigWatcher : IAsyncDisposable
{
    /// <summary>Long enough to cover one editor save or a <c>cp</c> of several files, short enough to feel immediate.</summary>
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(300);

    private readonly string _path;
    private readonly Func<ConfigReloadAttempt, Task> _reload;
    private readonly ILogger _logger;
    private readonly Func<string, string?> _environment;
    private readonly TimeSpan _debounce;
    private readonly bool _watchFiles;
    private readonly bool _handleHangup;
    private readonly ITimer _debounceTimer;

    // Capacity 1, extra writes dropped: a change during a reload queues exactly one more reload,
    // and the single reader guarantees the callback never runs concurrently with itself.
    private readonly Channel<ReloadTrigger> _triggers = Channel.CreateBounded<ReloadTrigger>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private List<FileSystemWatcher> _watchers = [];
    private HashSet<string> _files = new(StringComparer.Ordinal);
    private HashSet<string> _directories = new(StringComparer.Ordinal);
    private HashSet<string> _watched = new(StringComparer.Ordinal);
    private PosixSignalRegistration? _hangup;
    private Task? _loop;
    private LoadedConfig _current;
    private int _disposed;

    /// <param name="path">The file or directory given on the command line; reloads read it again.</param>
    /// <param name="current">The running configuration's load result: what to watch until the next successful load.</param>
    /// <param name="reload">
    /// Receives each attempt, loaded or failed; never called concurrently. It throws when a loaded
    /// configuration is refused (an address cannot be bound): the watcher logs it as not applied.
    /// </param>
    /// <param name="watchFiles">False for SIGHUP only (<c>[providers.file] watch = false</c>).</param>
    /// <param name="handleHangupSignal">False where the process's SIGHUP belongs to someone else (tests).</param>
    public ConfigWatcher(
        string path,
        LoadedConfig current,
        Func<ConfigReloadAttempt, Task> reload,
        ILogger logger,
        bool watchFiles = true,
        bool handleHangupSignal = true,
        TimeSpan? debounce = null,
        TimeProvider? timeProvider = null,
        Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        _path = path;
        _reload = reload;
        _logger = logger;
        _watchFiles = watchFiles;
        _handleHangup = handleHangupSignal;
        _debounce = debounce ?? DefaultDebounce;
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _debounceTimer = (timeProvider ?? TimeProvider.System).CreateTimer(_ => Trigger(new ReloadTrigger("file", "files changed")), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _current = current;
    }

    public void Start()
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("The watcher is already started.");
        }

        Track(_current);
        _loop = Task.Run(RunAsync);
        if (_handleHangup && !OperatingSystem.IsWindows())
        {
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // The default action of SIGHUP ends the process; here it means "reload".
                context.Cancel = true;
                RequestReload("SIGHUP");
            });
        }
    }

    /// <summary>Reloads as soon as the current reload (if any) is done; what SIGHUP does, and counted as source "signal".</summary>
    public void RequestReload(string reason) => Trigger(new ReloadTrigger("signal", reason));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _hangup?.Dispose();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _debounceTimer.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            foreach (FileSystemWatcher watcher in _watchers)
            {
                watcher.Dispose();
            }

            _watchers = [];
        }

        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private void Trigger(ReloadTrigger trigger) => _triggers.Writer.TryWrite(trigger);

    private async Task RunAsync()
    {
        try
        {
            while (await _triggers.Reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                if (_triggers.Reader.TryRead(out ReloadTrigger trigger))
                {
                    await ReloadAsync(trigger).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task ReloadAsync(ReloadTrigger trigger)
    {
        HostLog.ConfigReloading(_logger, _path, trigger.Reason);
        LoadedConfig loaded;
        try
        {
            loaded = ConfigLoader.Load(_path, _environment);
        }
        catch (GatewayConfigException ex)
        {
            HostLog.ConfigRejected(_logger, _path, ex.Errors.Count);
            foreach (string error in ex.Errors)
            {
                HostLog.ConfigProblem(_logger, error);
            }

            if (!_stopping.IsCancellationRequested)
            {
                await HandOverAsync(ConfigReloadAttempt.Failed(trigger.Source, ex.Errors)).ConfigureAwait(false);
            }

            return;
        }

        foreach (string warning in loaded.Warnings)
        {
            HostLog.ConfigWarning(_logger, warning);
        }

        // A new include directory or file is watched from now on, whether or not applying works:
        // the files on disk are what the next change is compared against.
        _current = loaded;
        Track(loaded);
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        if (await HandOverAsync(ConfigReloadAttempt.Succeeded(trigger.Source, loaded)).ConfigureAwait(false))
        {
            GatewayConfig c = loaded.Config;
            HostLog.ConfigApplied(_logger, _path, c.Entrypoints.Count, c.Routers.Count, c.Services.Count);
        }
    }

    /// <summary>Passes <paramref name="attempt"/> to the callback; false (and logged) when it threw.</summary>
    private async Task<bool> HandOverAsync(ConfigReloadAttempt attempt)
    {
        try
        {
            await _reload(attempt).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            HostLog.ConfigApplyFailed(_logger, _path, ex);
            return false;
        }
    }

    /// <summary>Watches the directories holding <paramref name="loaded"/>'s files, rebuilding the watchers when that set changed.</summary>
    private void Track(LoadedConfig loaded)
    {
        var directories = new HashSet<string>(loaded.Directories, StringComparer.Ordinal);
        var watched = new HashSet<string>(directories, StringComparer.Ordinal);
        foreach (string file in loaded.Files)
        {
            watched.Add(Path.GetDirectoryName(file)!);
        }

        lock (_gate)
        {
            _files = new HashSet<string>(loaded.Files, StringComparer.Ordinal);
            bool same = watched.SetEquals(_watched);
            _directories = directories;
            _watched = watched;
            if (same || !_watchFiles || _stopping.IsCancellationRequested)
            {
                return;
            }

            foreach (FileSystemWatcher old in _watchers)
            {
                old.Dispose();
            }

            _watchers = [.. watched.Select(Watch).OfType<FileSystemWatcher>()];
        }
    }

    private FileSystemWatcher? Watch(string directory)
    {
        try
        {
            var watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            watcher.Changed += OnChanged;
            watcher.Created += OnChanged;
            watcher.Deleted += OnChanged;
            watcher.Renamed += OnRenamed;
            // An overflowed event queue lost changes we cannot name: reload to be sure.
            watcher.Error += (_, _) => Debounce();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            HostLog.ConfigWatchFailed(_logger, directory, ex.Message);
            return null;
        }
    }

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        if (IsRelevant(e.FullPath))
        {
            Debounce();
        }
    }

    private void OnRenamed(object sender, RenamedEventArgs e)
    {
        if (IsRelevant(e.FullPath) || IsRelevant(e.OldFullPath))
        {
            Debounce();
        }
    }

    private void Debounce()
    {
        try
        {
            _debounceTimer.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // An event raced with DisposeAsync: there is nothing left to reload.
        }
    }

    private bool IsRelevant(string fullPath)
    {
        lock (_gate)
        {
            if (_files.Contains(fullPath) || _directories.Contains(fullPath))
            {
                return true;
            }

            string name = Path.GetFileName(fullPath);
            string? directory = Path.GetDirectoryName(fullPath);
            if (directory is null)
            {
                return false;
            }

            // A Kubernetes ConfigMap volume swaps all its files at once by renaming a "..data"
            // symlink; the visible file names never change.
            return (_directories.Contains(directory) && Path.GetExtension(name) == ".toml" && !name.StartsWith('.'))
                || (_watched.Contains(directory) && name.StartsWith("..", StringComparison.Ordinal));
        }
    }
}

/// <summary>What woke the watcher: its source for the reload record, and a reason for the log.</summary>
internal readonly record struct ReloadTrigger(string Source, string Reason);
