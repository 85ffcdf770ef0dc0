using System.Net;
using System.Text;
using Engine.Core.Configuration;
using Engine.Host.Admin;
using Engine.TestSupport.Net;
using Microsoft.Extensions.Logging.Abstractions;

namespace Engine.Host.Tests.Admin;

/// <summary>A real <see cref="AdminServer"/> on 127.0.0.1, an ephemeral port, over a <see cref="FakeAdminBackend"/>.</summary>
internal sealed class AdminHarness : IAsyncDisposable
{
    public const string Token = "t0ken";

    private AdminHarness(AdminServer server, FakeAdminBackend backend)
    {
        Server = server;
        Backend = backend;
    }

    public AdminServer Server { get; }

    public FakeAdminBackend Backend { get; }

    public IPEndPoint EndPoint => Server.EndPoint;

    public string Url => $"http://{EndPoint}";

    public static AdminHarness Start(string? token = Token, AdminServerOptions? options = null, FakeAdminBackend? backend = null)
    {
        backend ??= new FakeAdminBackend();
        var config = new AdminConfig { Address = "127.0.0.1:0", Token = token };
        return new AdminHarness(AdminServer.Start(config, backend, NullLogger.Instance, options ?? AdminServerOptions.Default), backend);
    }

    /// <summary>One request on a fresh connection; <paramref name="headers"/> are extra field lines ("Name: value").</summary>
    public async Task<RawMessage> SendAsync(string method, string target, string? body = null, bool authorize = true, params string[] headers)
    {
        await using RawConnection client = await RawConnection.OpenAsync(EndPoint);
        await client.SendAsync(Request(method, target, body, authorize, headers));
        return (await client.Reader.ReadResponseAsync(noBody: method == "HEAD"))!;
    }

    public static string Request(string method, string target, string? body = null, bool authorize = true, params string[] headers)
    {
        var request = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: admin\r\n");
        if (authorize)
        {
            request.Append($"Authorization: Bearer {Token}\r\n");
        }
        foreach (string header in headers)
        {
            request.Append(header).Append("\r\n");
        }
        if (body != null)
        {
            request.Append($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n");
        }
        return request.Append("\r\n").Append(body).ToString();
    }

    public ValueTask DisposeAsync() => new(Server.StopAsync());
}
