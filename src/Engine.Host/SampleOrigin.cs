using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Engine.Core.Transport;
using Engine.Http;
using Engine.Http.Http1;

namespace Engine.Host;

/// <summary>
/// A small HTTP/1.1 origin built into the binary so that <c>engine</c> with no arguments shows a
/// working proxy on a fresh machine. It answers every request with a short text naming itself
/// and the request, and reads (and drops) request bodies. Built from the engine's own transport
/// and parser; not tuned, not meant to serve real traffic.
/// </summary>
public sealed class SampleOrigin : IAsyncDisposable
{
    private readonly SocketConnectionListener _listener;
    private readonly string _name;
    private readonly Task _acceptLoop;

    private SampleOrigin(SocketConnectionListener listener, string name)
    {
        _listener = listener;
        _name = name;
        _acceptLoop = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.EndPoint;

    public static SampleOrigin Start(IPEndPoint endPoint, string name) =>
        new(SocketConnectionListener.Bind(endPoint, SocketTransportOptions.Default), name);

    private async Task AcceptLoopAsync()
    {
        while (await _listener.AcceptAsync() is SocketConnection connection)
        {
            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(SocketConnection connection)
    {
        var head = new HttpRequestHead();
        var decoder = new ChunkedDecoder();
        try
        {
            while (true)
            {
                head.Reset();
                ReadResult result;
                while (true)
                {
                    result = await connection.Input.ReadAsync();
                    byte[] bytes = result.Buffer.ToArray();
                    head.Source = bytes;
                    if (Http1Parser.TryParseRequest(bytes, head, HttpParserLimits.Default))
                    {
                        break;
                    }
                    if (result.IsCompleted)
                    {
                        return;
                    }
                    connection.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                }

                string text = $"Hello from the Engine sample origin '{_name}': {Encoding.ASCII.GetString(head.MethodBytes)} {Encoding.ASCII.GetString(head.Target)}\n";
                bool keepAlive = head.KeepAlive;
                connection.Input.AdvanceTo(result.Buffer.GetPosition(head.HeadLength));
                if (!await SkipBodyAsync(connection.Input, head, decoder))
                {
                    return;
                }

                string response = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {text.Length}\r\n" +
                    $"X-Origin: {_name}\r\n{(keepAlive ? "" : "Connection: close\r\n")}\r\n{text}";
                await connection.Output.WriteAsync(Encoding.ASCII.GetBytes(response));
                if (!keepAlive)
                {
                    return;
                }
            }
        }
        catch (HttpParseException)
        {
            await connection.Output.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private static async ValueTask<bool> SkipBodyAsync(PipeReader input, HttpRequestHead head, ChunkedDecoder decoder)
    {
        long remaining = head.Chunked ? long.MaxValue : Math.Max(head.ContentLength, 0);
        decoder.Reset();
        while (remaining > 0)
        {
            ReadResult result = await input.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (head.Chunked)
            {
                if (SkipChunks(buffer, ref decoder, out SequencePosition consumed))
                {
                    input.AdvanceTo(consumed);
                    return true;
                }
                input.AdvanceTo(consumed, buffer.End);
            }
            else
            {
                long take = Math.Min(remaining, buffer.Length);
                remaining -= take;
                input.AdvanceTo(buffer.GetPosition(take));
            }
            if (result.IsCompleted && remaining > 0)
            {
                return false;
            }
        }
        return true;
    }

    private static bool SkipChunks(in ReadOnlySequence<byte> buffer, ref ChunkedDecoder decoder, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        ChunkedStatus status;
        while ((status = decoder.Read(ref reader, HttpParserLimits.Default, out _)) == ChunkedStatus.Data)
        {
        }
        consumed = reader.Position;
        return status == ChunkedStatus.Completed;
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.UnbindAsync();
        await _acceptLoop;
    }
}
