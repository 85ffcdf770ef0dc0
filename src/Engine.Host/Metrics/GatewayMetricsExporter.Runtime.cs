using Engine.Core.Metrics;

namespace Engine.Host.Metrics;

/// <summary>
/// The process and .NET runtime families, under the names dashboards already know: client_golang's
/// process collector (<c>process_*</c>) and prometheus-net's .NET collector (<c>dotnet_*</c>).
/// </summary>
public static partial class GatewayMetricsExporter
{
    private static readonly string[] s_generations = ["0", "1", "2"];

    private static void WriteProcessFamilies(PrometheusTextWriter writer)
    {
        ProcessStats stats = ProcessStats.Read();

        writer.BeginFamily("process_cpu_seconds_total", MetricType.Counter, "Total user and system CPU time spent in seconds.");
        writer.WriteSample(stats.CpuSeconds);
        Gauge(writer, "process_resident_memory_bytes", "Resident memory size in bytes.", stats.ResidentBytes);
        Gauge(writer, "process_virtual_memory_bytes", "Virtual memory size in bytes.", stats.VirtualBytes);
        Gauge(writer, "process_open_fds", "Number of open file descriptors.", stats.OpenFds);
        if (stats.MaxFds is long maxFds)
        {
            Gauge(writer, "process_max_fds", "Maximum number of open file descriptors (the soft limit).", maxFds);
        }
        writer.BeginFamily("process_start_time_seconds", MetricType.Gauge, "Start time of the process since unix epoch in seconds.");
        writer.WriteSample(stats.StartTimeSeconds);
    }

    private static void WriteRuntimeFamilies(PrometheusTextWriter writer)
    {
        writer.BeginFamily("dotnet_gc_collections_total", MetricType.Counter,
            "Garbage collections by generation; a collection of a generation also collects the younger ones and counts for each.");
        for (int generation = 0; generation < s_generations.Length; generation++)
        {
            writer.WriteSample(GC.CollectionCount(generation), new MetricLabel("generation", s_generations[generation]));
        }

        Gauge(writer, "dotnet_gc_heap_size_bytes", "Bytes the GC thinks are allocated on the managed heap now, garbage not yet collected included.", GC.GetTotalMemory(forceFullCollection: false));
        Counter(writer, "dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since the process started.", GC.GetTotalAllocatedBytes(precise: false));
        writer.BeginFamily("dotnet_gc_pause_seconds_total", MetricType.Counter, "Time the GC has paused the process's threads since it started.");
        writer.WriteSample(GC.GetTotalPauseDuration().TotalSeconds);
        Gauge(writer, "dotnet_threadpool_threads", "Thread-pool worker threads now.", ThreadPool.ThreadCount);
        Gauge(writer, "dotnet_threadpool_queue_length", "Work items queued to the thread pool and not yet started.", ThreadPool.PendingWorkItemCount);
    }
}
