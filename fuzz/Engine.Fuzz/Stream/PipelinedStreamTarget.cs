using System.Collections.Concurrent;
using Engine.Core.Configuration;
using Engine.Core.Connections;
using Engine.Core.Timing;
using Engine.Core.Transport;
using Engine.Http.Proxy;
using Engine.TestSupport.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Engine.Fuzz.Stream;

/// <summary>
/// The proxy as a whole, one connection per input: a <see cref="StreamProgram"/> of pipelined
/// requests and bodies is written to the HTTP/1.1 handler over the in-memory transport, cut at
/// the input's chosen points, in front of a real origin on loopback. The origin must receive
/// exactly the program's requests, once each and in order, with their bodies (none invented,
/// dropped, merged or reordered), and the client one response per request, in order. Nothing
/// may be logged as an unhandled error.
/// </summary>
public sealed class PipelinedStreamTarget : IFuzzTarget
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(5);
    private static readonly Lazy<Harness> s_harness = new(() => new Harness());

    public string Name => "http1-stream";

    public IEnumerable<byte[]> Seeds =>
    [
        [0],
        [3, 1, 2, 1, 5, 1, 2, 40, 0, 2, 0, 1, 9, 2, 7, 0, 200, 3, 0],
        [7, 2, 9, 2, 30, 0, 120, 5, 1, 0, 3, 3, 1, 0, 4, 7, 1, 1, 0, 5, 0, 2, 1, 2, 3, 4, 5, 6],
        [5, 0, 1, 1, 0, 2, 2, 0, 9, 3, 0, 0, 1, 4, 1, 0, 1, 0, 100, 4, 0, 10, 0, 20, 0, 30, 0, 40],
    ];

    public void Run(ReadOnlySpan<byte> input)
    {
        StreamProgram program = StreamProgram.Decode(input);
        Harness harness = s_harness.Value;
        // One input at a time: the origin's record of what it received is shared.
        lock (harness)
        {
            Task run = Task.Run(() => harness.RunAsync(program));
            if (!((IAsyncResult)run).AsyncWaitHandle.WaitOne(s_patience + s_patience))
            {
                throw new FuzzFindingException("the exchange did not finish: a request or response was lost or stuck.");
            }
            // Rethrows the finding itself, not an AggregateException around it.
            run.GetAwaiter().GetResult();
        }
    }

    /// <summary>One proxy and one origin for every input: built once, like a long-running server.</summary>
    private sealed class Harness
    {
        private readonly ConcurrentQueue<ProgramRequest> _received = new();
        private readonly ScriptedOrigin _origin;
        private readonly ConnectionDelegate _pipeline;
        private readonly ErrorLog _log = new();
        private readonly ProxyMetrics _metrics = new();

        public Harness()
        {
            _origin = new ScriptedOrigin(exchange =>
            {
                _received.Enqueue(new ProgramRequest(exchange.Request.Method, exchange.Request.Target, exchange.Request.BodyText, []));
                return exchange.RespondAsync(200, $"{exchange.Request.Method} {exchange.Request.Target} {exchange.Request.Body.Length}");
            });
            var config = new GatewayConfig
            {
                Entrypoints = [new EntrypointConfig("web", "127.0.0.1:0") { Timeouts = new DownstreamTimeoutsConfig { MinRequestBodyRate = 0 } }],
                Services = [new ServiceConfig("origin", [new DestinationConfig(_origin.Url)])],
                Routers = [RouterConfig.CatchAll("all", "origin")],
            };
            var heartbeat = new Heartbeat(TimeSpan.FromMilliseconds(100));
            ProxySnapshot snapshot = ProxySnapshot.Build(config, new SocketConnectionFactory(SocketTransportOptions.Default), heartbeat, _metrics);
            var runtime = new ProxyRuntime(snapshot, _metrics);
            var tracker = new ConnectionTracker(heartbeat);
            heartbeat.Register(tracker);
            var handler = new HttpConnectionHandler(config.Entrypoints[0], runtime, tracker, _log);
            _pipeline = new ConnectionPipelineBuilder().Build(handler.OnConnectedAsync);
        }

        /// <summary>What the proxy has counted since it started: explains a finding's cause.</summary>
        private string Counters() =>
            $"retries {_metrics.Retries}, client aborts {_metrics.ClientAborts}, rejections {_metrics.TotalRejections}, upstream errors " +
            string.Join(", ", Enum.GetValues<UpstreamErrorKind>().Where(k => _metrics.UpstreamErrors(k) > 0).Select(k => $"{k} {_metrics.UpstreamErrors(k)}"));

        public async Task RunAsync(StreamProgram program)
        {
            _received.Clear();
            _log.Clear();
            await using InMemoryClient client = InMemoryClient.Start(_pipeline, timeout: s_patience);
            foreach (byte[] write in program.Writes)
            {
                await client.SendAsync(write);
                await Task.Yield();
            }

            for (int i = 0; i < program.Requests.Count; i++)
            {
                ProgramRequest sent = program.Requests[i];
                RawMessage response = await client.Reader.ReadResponseAsync()
                    ?? throw new FuzzFindingException($"the connection closed before response {i + 1} of {program.Requests.Count}; the proxy logged: {_log.Recent()}; counted so far: {Counters()}");
                string expected = $"{sent.Method} {sent.Target} {sent.Body.Length}";
                if (response.Status != 200 || response.BodyText != expected)
                {
                    throw new FuzzFindingException($"response {i + 1}: expected 200 '{expected}', got {response.Status} '{response.BodyText}'; the proxy logged: {_log.Recent()}");
                }
            }

            ProgramRequest[] received = [.. _received];
            if (received.Length != program.Requests.Count)
            {
                throw new FuzzFindingException($"the origin received {received.Length} requests for {program.Requests.Count} sent; counted so far: {Counters()}");
            }
            for (int i = 0; i < received.Length; i++)
            {
                ProgramRequest sent = program.Requests[i];
                if (received[i].Method != sent.Method || received[i].Target != sent.Target || received[i].Body != sent.Body)
                {
                    throw new FuzzFindingException($"request {i + 1}: sent {sent.Method} {sent.Target} with {sent.Body.Length} body bytes, the origin received {received[i].Method} {received[i].Target} with {received[i].Body.Length}.");
                }
            }
            if (_log.TakeError() is { } error)
            {
                throw new FuzzFindingException($"the proxy logged an error: {error}");
            }
        }
    }

    /// <summary>
    /// Keeps the first error the proxy logs (an unhandled exception on a connection is a
    /// finding), and the last few lines at debug and above to explain other findings.
    /// </summary>
    private sealed class ErrorLog : ILogger
    {
        private readonly ConcurrentQueue<string> _recent = new();
        private string? _error;

        public string? TakeError() => Interlocked.Exchange(ref _error, null);

        public string Recent() => _recent.IsEmpty ? "nothing" : string.Join(" | ", _recent);

        public void Clear() => _recent.Clear();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            _recent.Enqueue($"{logLevel} {eventId.Id}: {formatter(state, exception)}");
            while (_recent.Count > 8 && _recent.TryDequeue(out _))
            {
            }
            if (logLevel >= LogLevel.Error)
            {
                Interlocked.CompareExchange(ref _error, $"{formatter(state, exception)} {exception}", null);
            }
        }
    }
}
