using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Engine.TestSupport.Net;

/// <summary>External programs the tests drive: curl as a client, nginx as an origin.</summary>
public static class TestTools
{
    private static readonly Lock s_installLock = new();

    /// <summary>
    /// Makes sure a Debian package is installed, installing it when root and apt are there.
    /// Returns null when it is available, else why not (for a skip message).
    /// </summary>
    public static string? EnsurePackage(string package, string binary)
    {
        lock (s_installLock)
        {
            if (File.Exists(binary))
            {
                return null;
            }
            if (!File.Exists("/usr/bin/apt-get"))
            {
                return $"{binary} is missing and there is no apt-get to install '{package}'.";
            }
            Run("apt-get", "install -y -q --no-install-recommends " + package, TimeSpan.FromMinutes(5), env: ("DEBIAN_FRONTEND", "noninteractive"));
            if (!File.Exists(binary))
            {
                Run("apt-get", "update -qq", TimeSpan.FromMinutes(5));
                Run("apt-get", "install -y -q --no-install-recommends " + package, TimeSpan.FromMinutes(5), env: ("DEBIAN_FRONTEND", "noninteractive"));
            }
            return File.Exists(binary) ? null : $"could not install '{package}' (is this machine offline or not root?).";
        }
    }

    public static (int ExitCode, string StdOut, string StdErr) Run(string file, string arguments, TimeSpan timeout, (string Name, string Value)? env = null)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (env is var (name, value))
        {
            info.Environment[name] = value;
        }
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish in {timeout}.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs curl with a bounded time; fails the test with stderr when curl fails.</summary>
    public static (int ExitCode, string StdOut, string StdErr) Curl(string arguments, int maxSeconds = 30) =>
        Run("curl", $"--silent --show-error --max-time {maxSeconds} {arguments}", TimeSpan.FromSeconds(maxSeconds + 10));

    /// <summary>
    /// <see cref="Curl"/> off the calling thread. A test continuing on a socket completion runs
    /// on the socket engine's thread (inline completions); blocking it there on curl would
    /// starve the very proxy curl talks to.
    /// </summary>
    public static Task<(int ExitCode, string StdOut, string StdErr)> CurlAsync(string arguments, int maxSeconds = 30) =>
        Task.Run(() => Curl(arguments, maxSeconds));

    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Waits until something accepts connections on <paramref name="endPoint"/>.</summary>
    public static void WaitForListener(IPEndPoint endPoint, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(endPoint);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < timeout)
            {
                Thread.Sleep(20);
            }
        }
    }
}
