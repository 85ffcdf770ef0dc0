using System.Net;
using System.Runtime.InteropServices;
using Engine.Core.Configuration;
using Engine.Host.Configuration;
using Engine.Host.Logging;
using Engine.Host.Metrics;
using Engine.Http.Proxy;
using Microsoft.Extensions.Logging;

namespace Engine.Host;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        ConfigureSocketEngine();

        CommandLine command;
        try
        {
            command = CommandLine.Parse(args);
        }
        catch (CommandLineException ex)
        {
            Console.Error.WriteLine($"engine: {ex.Message}");
            Console.Error.WriteLine("Run 'engine --help' for usage.");
            return 2;
        }

        switch (command.Verb)
        {
            case Verb.Help:
                Console.Out.Write(CommandLine.HelpText);
                return 0;
            case Verb.Version:
                Console.Out.WriteLine(BuildInfo.Describe());
                return 0;
            case Verb.Validate:
                return ValidateCommand.Run(command.ConfigPath!, Console.Out, Console.Error);
            case Verb.Origin:
                return await OriginCommand.RunAsync(command.OriginAddresses, Console.Out, Console.Error);
        }

        // The factory lets every level through: the application log filters by itself, so that
        // a reload of [log] can change its level. The factory disposes it last.
        var applicationLog = new ApplicationLog(levelOverride: command.LogLevel);
        using ILoggerFactory loggerFactory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(LogLevel.Trace)
            .AddProvider(applicationLog));
        ILogger log = loggerFactory.CreateLogger("Engine");

        SampleOrigin? sample = null;
        LoadedConfig? loaded = null;
        GatewayConfig config;
        if (command.ConfigPath is { } configPath)
        {
            try
            {
                loaded = ConfigLoader.Load(configPath);
            }
            catch (GatewayConfigException ex)
            {
                Console.Error.WriteLine($"engine: {configPath} is invalid:");
                foreach (string error in ex.Errors)
                {
                    Console.Error.WriteLine(error);
                }
                return 1;
            }
            config = loaded.Config;
            try
            {
                // Before the first line, so that every line goes where [log] says.
                applicationLog.Apply(config.Log);
            }
            catch (GatewayConfigException ex)
            {
                Console.Error.WriteLine($"engine: {configPath} is invalid:");
                foreach (string error in ex.Errors)
                {
                    Console.Error.WriteLine(error);
                }
                return 1;
            }
            HostLog.ConfigLoaded(log, configPath, config.Entrypoints.Count, config.Routers.Count, config.Services.Count);
            foreach (string warning in loaded.Warnings)
            {
                HostLog.ConfigWarning(log, warning);
            }
        }
        else if (command.Verb == Verb.Run)
        {
            try
            {
                sample = SampleOrigin.Start(DefaultConfig.SampleOriginEndPoint, "sample");
            }
            catch (Exception ex) when (ex is Microsoft.AspNetCore.Connections.AddressInUseException or System.Net.Sockets.SocketException)
            {
                Console.Error.WriteLine($"engine: cannot start the sample origin on {DefaultConfig.SampleOriginEndPoint}: {ex.Message}");
                return 1;
            }
            config = DefaultConfig.Create();
        }
        else
        {
            config = DefaultConfig.ForProxy(command.Listen!, command.Destinations);
        }

        await using var gateway = new Gateway(config, loggerFactory) { ApplicationLog = applicationLog };
        try
        {
            await gateway.StartAsync();
        }
        catch (GatewayConfigException ex)
        {
            Console.Error.WriteLine($"engine: {ex.Message}");
            return 1;
        }
        catch (ListenException ex)
        {
            Console.Error.WriteLine($"engine: {ex.Message}");
            return 1;
        }

        foreach (Entrypoint entrypoint in gateway.Entrypoints)
        {
            string destinations = string.Join(", ", config.Services.SelectMany(s => s.Destinations).Select(d => d.Address));
            HostLog.Proxying(log, entrypoint.BoundEndPoint!.ToString(), destinations);
        }
        if (gateway.AdminEndPoint is { } adminEndPoint)
        {
            HostLog.AdminListening(log, adminEndPoint.ToString());
        }
        if (sample != null)
        {
            HostLog.SampleOriginStarted(log, sample.EndPoint.ToString(), gateway.EndPointOf("web").ToString());
        }

        // Reload attempts go through GatewayReload, the one place that hands them to the gateway,
        // which records each (metrics and health), whether the files loaded or not.
        await using ConfigWatcher? watcher = loaded is null ? null : new ConfigWatcher(
            command.ConfigPath!,
            loaded,
            attempt => GatewayReload.ApplyAsync(gateway, attempt),
            loggerFactory.CreateLogger("Engine.Config"),
            watchFiles: config.FileProvider?.Watch ?? true);
        watcher?.Start();

        // logrotate moves the files, then signals: SIGUSR1 reopens the access log and the
        // application log file at their paths.
        using var accessLogSignals = new AccessLogSignals(() =>
        {
            gateway.ReopenAccessLog();
            applicationLog.Reopen();
        });

        // SIGTERM (service managers) and SIGINT (Ctrl+C) both mean: drain, then exit 0.
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        await stop.Task;

        if (watcher != null)
        {
            // No reload may start once draining has begun.
            await watcher.DisposeAsync();
        }
        HostLog.Stopping(log, config.DrainTimeout.TotalSeconds);
        await gateway.StopAsync();
        if (sample != null)
        {
            await sample.DisposeAsync();
        }
        HostLog.Stopped(log, gateway.Metrics.Requests);
        return 0;
    }

    /// <summary>
    /// Runs socket completions inline on the epoll threads, one per core: a request then stays
    /// on the thread its socket event arrived on, from parse to upstream write, the way an nginx
    /// worker serves it, instead of hopping through the thread pool twice per read. The runtime
    /// reads these variables when the first socket operation starts, so setting them before any
    /// socket exists takes effect; an explicit setting from the environment wins.
    /// </summary>
    private static void ConfigureSocketEngine()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") == null)
        {
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        }
    }
}

/// <summary>The embedded configurations: the no-argument demo and the config-less proxy.</summary>
internal static class DefaultConfig
{
    public static readonly IPEndPoint SampleOriginEndPoint = new(IPAddress.Loopback, 8081);

    /// <summary>The proxy on 127.0.0.1:8080 in front of the built-in sample origin, and the admin API on 127.0.0.1:9901.</summary>
    public static GatewayConfig Create() => ForProxy("127.0.0.1:8080", [$"http://{SampleOriginEndPoint}"]) with
    {
        Admin = new AdminConfig(),
    };

    public static GatewayConfig ForProxy(string listen, IReadOnlyList<string> destinations) => new()
    {
        Entrypoints = [new EntrypointConfig("web", listen)],
        Services = [new ServiceConfig("default", [.. destinations.Select(d => new DestinationConfig(d))])],
        Routers = [RouterConfig.CatchAll("default", "default")],
    };
}
