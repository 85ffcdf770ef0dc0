using System.Diagnostics;
using System.Net;

namespace Engine.TestSupport.Net;

/// <summary>
/// A real nginx as an origin on 127.0.0.1: "hello world\n" on /, static files of given sizes,
/// and an echo of request bodies on /echo (through nginx's own body handling). Started by PID
/// in a private prefix, stopped by PID.
/// </summary>
public sealed class NginxOrigin : IDisposable
{
    private readonly Process _process;
    private readonly string _prefix;

    private NginxOrigin(Process process, string prefix, IPEndPoint endPoint)
    {
        _process = process;
        _prefix = prefix;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public string Url => $"http://{EndPoint}";

    /// <summary>Starts nginx, or returns null with <paramref name="skipReason"/> when it cannot be installed.</summary>
    public static NginxOrigin? TryStart(out string? skipReason, params (string Name, long Size)[] files)
    {
        skipReason = TestTools.EnsurePackage("nginx", "/usr/sbin/nginx");
        if (skipReason != null)
        {
            return null;
        }
        string prefix = Directory.CreateTempSubdirectory("engine-nginx-").FullName;
        Directory.CreateDirectory(Path.Combine(prefix, "www"));
        Directory.CreateDirectory(Path.Combine(prefix, "logs"));
        foreach ((string name, long size) in files)
        {
            using FileStream file = File.Create(Path.Combine(prefix, "www", name));
            file.SetLength(size);
            // Non-zero, position-dependent content so a shifted or truncated body shows.
            var block = new byte[64 * 1024];
            for (long offset = 0; offset < size; offset += block.Length)
            {
                for (int i = 0; i < block.Length; i++)
                {
                    block[i] = (byte)((offset + i) % 251);
                }
                file.Write(block, 0, (int)Math.Min(block.Length, size - offset));
            }
        }
        int port = TestTools.FreePort();
        string config = $$"""
            worker_processes 1;
            daemon off;
            master_process off;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/logs/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{prefix}}/body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                keepalive_requests 100000;
                client_max_body_size 0;
                server {
                    listen 127.0.0.1:{{port}};
                    root {{prefix}}/www;
                    location = / { default_type text/plain; return 200 "hello world\n"; }
                    location = /headers { default_type text/plain; return 200 "xff=$http_x_forwarded_for proto=$http_x_forwarded_proto host=$http_x_forwarded_host port=$http_x_forwarded_port conn=$http_connection te=$http_te custom=$http_x_custom\n"; }
                    location / { }
                }
            }
            """;
        string configPath = Path.Combine(prefix, "nginx.conf");
        File.WriteAllText(configPath, config);
        var process = Process.Start(new ProcessStartInfo("/usr/sbin/nginx", $"-p {prefix} -c {configPath}")
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        })!;
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        try
        {
            TestTools.WaitForListener(endPoint, TimeSpan.FromSeconds(10));
        }
        catch
        {
            process.Kill();
            throw;
        }
        return new NginxOrigin(process, prefix, endPoint);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_prefix, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
