using System.Net;
using System.Runtime.InteropServices;
using Engine.Core.Configuration;

namespace Engine.Host;

/// <summary>
/// <c>engine origin --listen A --listen B</c>: the built-in sample origin on each address, so that
/// an example's upstreams exist without installing a web server. Each origin names its address in
/// its answer and in an <c>X-Origin</c> field, which makes balancing visible with curl.
/// </summary>
internal static class OriginCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> addresses, TextWriter output, TextWriter error)
    {
        var endPoints = new List<IPEndPoint>();
        foreach (string address in addresses)
        {
            if (!EndpointParser.TryParseListenAddress(address, out EndPoint? endPoint, out string? problem))
            {
                error.WriteLine($"engine: --listen {address}: {problem}");
                return 2;
            }
            endPoints.Add((IPEndPoint)endPoint);
        }

        var origins = new List<SampleOrigin>();
        try
        {
            foreach (IPEndPoint endPoint in endPoints)
            {
                try
                {
                    origins.Add(SampleOrigin.Start(endPoint, endPoint.ToString()));
                }
                catch (Exception ex) when (ex is Microsoft.AspNetCore.Connections.AddressInUseException or System.Net.Sockets.SocketException)
                {
                    error.WriteLine($"engine: cannot start a sample origin on {endPoint}: {ex.Message}");
                    return 1;
                }
                output.WriteLine($"sample origin listening on http://{origins[^1].EndPoint}/");
            }

            var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.TrySetResult();
            }
            using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            await stop.Task;
            return 0;
        }
        finally
        {
            foreach (SampleOrigin origin in origins)
            {
                await origin.DisposeAsync();
            }
        }
    }
}
