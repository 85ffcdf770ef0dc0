using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Security.Authentication;
using Engine.Core.Connections;
using Engine.TestSupport.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Engine.Http.Tests.Proxy;

/// <summary>
/// The connection pipeline on the in-memory transport: steps run in order around the handler, a
/// step may wrap the transport or the connection, and the HTTP handler serves whatever it is given.
/// </summary>
public sealed class ConnectionPipelineTests
{
    [Fact]
    public async Task Steps_RunInTheOrderAdded_AroundTheHandler_ThenTheConnectionIsDisposed()
    {
        var trace = new List<string>();
        Func<ConnectionDelegate, ConnectionDelegate> Step(string name) => next => async connection =>
        {
            trace.Add($"{name}>");
            await next(connection);
            trace.Add($"<{name}");
        };
        ConnectionDelegate pipeline = new ConnectionPipelineBuilder()
            .Use(Step("a"))
            .Use(Step("b"))
            .Use(Step("c"))
            .Build(connection =>
            {
                trace.Add("handler");
                return Task.CompletedTask;
            });

        await using InMemoryClient client = InMemoryClient.Start(pipeline);
        await client.WaitHandledAsync();

        Assert.Equal(["a>", "b>", "c>", "handler", "<c", "<b", "<a"], trace);
        Assert.True(client.Connection.Disposed.IsCompleted);
        Assert.Empty(await client.ReadToEndAsync());
    }

    [Fact]
    public async Task AStepMaySkipTheRest_AndAnswerByItself()
    {
        bool handlerRan = false;
        ConnectionDelegate pipeline = new ConnectionPipelineBuilder()
            .Use(next => async connection =>
            {
                await connection.Transport.Output.WriteAsync("refused\n"u8.ToArray());
            })
            .Build(connection =>
            {
                handlerRan = true;
                return Task.CompletedTask;
            });

        await using InMemoryClient client = InMemoryClient.Start(pipeline);

        Assert.Equal("refused\n"u8.ToArray(), await client.ReadToEndAsync());
        await client.WaitHandledAsync();
        Assert.False(handlerRan);
    }

    [Fact]
    public async Task AStepWrappingTheTransport_SeesEveryByte_AndTheHttpHandlerServesThroughIt()
    {
        await using var origin = ScriptedOrigin.Fixed("hello");
        var counters = new List<CountingDuplexPipe>();
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url], steps: pipeline => pipeline.Use(next => connection =>
        {
            var counting = new CountingDuplexPipe(connection.Transport);
            lock (counters)
            {
                counters.Add(counting);
            }
            connection.Transport = counting;
            return next(connection);
        }));
        const string request = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";

        byte[] response;
        await using (InMemoryClient client = proxy.Connect())
        {
            await client.SendAsync(request + request);
            response = [.. await client.ReadResponseBytesAsync(), .. await client.ReadResponseBytesAsync()];
            client.Shutdown();
            Assert.Empty(await client.ReadToEndAsync());
            await client.WaitHandledAsync();
        }

        CountingDuplexPipe counted = Assert.Single(counters);
        Assert.StartsWith("HTTP/1.1 200 ", System.Text.Encoding.Latin1.GetString(response), StringComparison.Ordinal);
        Assert.Equal(2 * request.Length, counted.BytesRead);
        Assert.Equal(response.Length, counted.BytesWritten);
        Assert.Equal(2, origin.Requests);
        Assert.Empty(proxy.Log.Entries);
    }

    [Theory]
    [InlineData(false, "http")]
    [InlineData(true, "https")]
    public async Task XForwardedProto_ComesFromTheConnection_HttpsWhenAStepAddsTheTlsFeature(bool tls, string proto)
    {
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            seen = exchange.Request;
            await exchange.RespondAsync(200, "ok");
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url], steps: pipeline =>
        {
            if (tls)
            {
                pipeline.Use(next => connection => next(new TlsConnection(connection)));
            }
        });
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: spoofed\r\n\r\n");
        RawMessage response = (await client.Reader.ReadResponseAsync())!;

        Assert.Equal(200, response.Status);
        Assert.Equal([proto], seen!.HeaderValues("X-Forwarded-Proto"));
    }

    [Fact]
    public async Task XForwardedProto_IsHttps_WhenAStepSetsTheTlsFeatureInTheFeatureCollection()
    {
        RawMessage? seen = null;
        await using var origin = new ScriptedOrigin(async exchange =>
        {
            seen = exchange.Request;
            await exchange.RespondAsync(200, "ok");
        });
        await using InMemoryProxy proxy = InMemoryProxy.Start([origin.Url], steps: pipeline => pipeline.Use(next => connection =>
        {
            connection.Features.Set<ITlsHandshakeFeature>(new TlsConnection(connection));
            return next(connection);
        }));
        await using InMemoryClient client = proxy.Connect();

        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await client.Reader.ReadResponseAsync())!.Status);

        Assert.Equal("https", seen!.Header("X-Forwarded-Proto"));
    }

    /// <summary>Counts the bytes the application consumed and wrote through the pipe it wraps.</summary>
    internal sealed class CountingDuplexPipe(IDuplexPipe inner) : IDuplexPipe
    {
        private readonly CountingReader _input = new(inner.Input);
        private readonly CountingWriter _output = new(inner.Output);

        public PipeReader Input => _input;

        public PipeWriter Output => _output;

        public long BytesRead => Volatile.Read(ref _input.Count);

        public long BytesWritten => Volatile.Read(ref _output.Count);

        private sealed class CountingReader(PipeReader inner) : PipeReader
        {
            public long Count;
            private ReadOnlySequence<byte> _last;

            public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
            {
                ReadResult result = await inner.ReadAsync(cancellationToken);
                _last = result.Buffer;
                return result;
            }

            public override bool TryRead(out ReadResult result)
            {
                bool read = inner.TryRead(out result);
                if (read)
                {
                    _last = result.Buffer;
                }
                return read;
            }

            public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

            public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
            {
                Interlocked.Add(ref Count, _last.Slice(0, consumed).Length);
                _last = default;
                inner.AdvanceTo(consumed, examined);
            }

            public override void CancelPendingRead() => inner.CancelPendingRead();

            public override void Complete(Exception? exception = null) => inner.Complete(exception);
        }

        private sealed class CountingWriter(PipeWriter inner) : PipeWriter
        {
            public long Count;

            public override void Advance(int bytes)
            {
                Interlocked.Add(ref Count, bytes);
                inner.Advance(bytes);
            }

            public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

            public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

            public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

            public override void CancelPendingFlush() => inner.CancelPendingFlush();

            public override void Complete(Exception? exception = null) => inner.Complete(exception);
        }
    }

    /// <summary>
    /// What a TLS step hands on: the connection it was given, plus the handshake's feature (no
    /// actual TLS; the proxy only asks whether the feature is there).
    /// </summary>
    internal sealed class TlsConnection(ConnectionContext inner) : ConnectionContext, ITlsHandshakeFeature
    {
        public override string ConnectionId { get => inner.ConnectionId; set => inner.ConnectionId = value; }

        public override IFeatureCollection Features => inner.Features;

        public override IDictionary<object, object?> Items { get => inner.Items; set => inner.Items = value; }

        public override IDuplexPipe Transport { get => inner.Transport; set => inner.Transport = value; }

        public override CancellationToken ConnectionClosed { get => inner.ConnectionClosed; set => inner.ConnectionClosed = value; }

        public override EndPoint? LocalEndPoint { get => inner.LocalEndPoint; set => inner.LocalEndPoint = value; }

        public override EndPoint? RemoteEndPoint { get => inner.RemoteEndPoint; set => inner.RemoteEndPoint = value; }

        public override void Abort(ConnectionAbortedException abortReason) => inner.Abort(abortReason);

        public override void Abort() => inner.Abort();

#pragma warning disable CA2215 // the inner connection is the one to dispose
        public override ValueTask DisposeAsync() => inner.DisposeAsync();
#pragma warning restore CA2215

        public SslProtocols Protocol => SslProtocols.Tls13;

        public string HostName => "app.example";

#pragma warning disable CS0618, SYSLIB0058 // the algorithm details are obsolete; the interface still has them
        public CipherAlgorithmType CipherAlgorithm => CipherAlgorithmType.Aes256;

        public int CipherStrength => 256;

        public HashAlgorithmType HashAlgorithm => HashAlgorithmType.Sha384;

        public int HashStrength => 384;

        public ExchangeAlgorithmType KeyExchangeAlgorithm => ExchangeAlgorithmType.None;

        public int KeyExchangeStrength => 0;
#pragma warning restore CS0618, SYSLIB0058
    }
}
