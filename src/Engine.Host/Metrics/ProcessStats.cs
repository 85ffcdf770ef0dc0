using System.Buffers.Text;
using System.Diagnostics;
using System.IO.Enumeration;
using Microsoft.Win32.SafeHandles;

namespace Engine.Host.Metrics;

/// <summary>
/// The process's own resource use, with the meaning Prometheus's <c>process_*</c> metrics give
/// it (client_golang's process collector): read from Linux's <c>/proc/self</c>, and from
/// <see cref="Process"/> where there is no /proc (macOS, Windows).
/// </summary>
internal readonly record struct ProcessStats(
    double CpuSeconds,
    long ResidentBytes,
    long VirtualBytes,
    long OpenFds,
    long? MaxFds,
    double StartTimeSeconds)
{
    private static readonly bool s_hasProc = File.Exists("/proc/self/statm");

    /// <summary>Constant for the life of the process, so read once (Process derives it from /proc/self/stat and the boot time on Linux).</summary>
    private static readonly double s_startTimeSeconds = ReadStartTimeSeconds();

    public static ProcessStats Read()
    {
        // CPU from getrusage (Environment.CpuUsage) rather than /proc/self/stat: microsecond
        // resolution instead of 10 ms clock ticks, the same on every OS, and no assumption about
        // USER_HZ.
        double cpuSeconds = Environment.CpuUsage.TotalTime.TotalSeconds;
        if (!s_hasProc)
        {
            using Process process = Process.GetCurrentProcess();
            return new ProcessStats(cpuSeconds, process.WorkingSet64, process.VirtualMemorySize64, process.HandleCount, null, s_startTimeSeconds);
        }

        (long virtualPages, long residentPages) = ReadStatm();
        long pageSize = Environment.SystemPageSize;
        return new ProcessStats(cpuSeconds, residentPages * pageSize, virtualPages * pageSize, CountOpenFds(), ReadMaxOpenFiles(), s_startTimeSeconds);
    }

    private static double ReadStartTimeSeconds()
    {
        using Process process = Process.GetCurrentProcess();
        return (process.StartTime.ToUniversalTime() - DateTime.UnixEpoch).TotalSeconds;
    }

    /// <summary>
    /// /proc/self/statm: "size resident shared text lib data dt", in pages (proc(5)). The first
    /// two are the virtual and resident sizes.
    /// </summary>
    private static (long VirtualPages, long ResidentPages) ReadStatm()
    {
        Span<byte> buffer = stackalloc byte[256];
        ReadOnlySpan<byte> text = buffer[..ReadProcFile("/proc/self/statm", buffer)];
        if (!Utf8Parser.TryParse(text, out long size, out int consumed) ||
            !Utf8Parser.TryParse(text[(consumed + 1)..], out long resident, out _))
        {
            throw new InvalidDataException("Unexpected /proc/self/statm format.");
        }
        return (size, resident);
    }

    /// <summary>
    /// Entries of /proc/self/fd, counted without allocating a name per descriptor (a busy proxy
    /// holds tens of thousands). The count includes the descriptor of the listing itself, as
    /// client_golang's does.
    /// </summary>
    private static long CountOpenFds()
    {
        var entries = new FileSystemEnumerable<byte>("/proc/self/fd", static (ref FileSystemEntry _) => 0,
            new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true });
        long count = 0;
        foreach (byte _ in entries)
        {
            count++;
        }
        return count;
    }

    /// <summary>
    /// The soft limit from the "Max open files" row of /proc/self/limits (proc(5)):
    /// <c>Max open files  1024  1048576  files</c>. Null when "unlimited" or missing.
    /// </summary>
    private static long? ReadMaxOpenFiles()
    {
        Span<byte> buffer = stackalloc byte[4096];
        ReadOnlySpan<byte> text = buffer[..ReadProcFile("/proc/self/limits", buffer)];
        int row = text.IndexOf("Max open files"u8);
        if (row < 0)
        {
            return null;
        }
        ReadOnlySpan<byte> rest = text[(row + "Max open files".Length)..].TrimStart((byte)' ');
        return Utf8Parser.TryParse(rest, out long soft, out _) ? soft : null;
    }

    /// <summary>Reads a small /proc file whole; its size is reported as 0, so read until end of file.</summary>
    private static int ReadProcFile(string path, Span<byte> buffer)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        int total = 0;
        while (total < buffer.Length)
        {
            int read = RandomAccess.Read(handle, buffer[total..], total);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }
}
