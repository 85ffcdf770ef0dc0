using System.Diagnostics;
using Engine.Http.Proxy;

namespace Engine.Host.Tests.Metrics;

public sealed class RequestMetricsTests
{
    [Fact]
    public void Record_Requests_CountsClassesBytesAndDuration()
    {
        RequestMetrics metrics = new ProxyMetrics().ForRouter("api", "backend");

        metrics.Record(204, Stopwatch.Frequency / 2, 10, 0);
        metrics.Record(404, Stopwatch.Frequency, 0, 30);
        metrics.Record(99, 0, 0, 0);

        Assert.Equal(["api", "backend"], metrics.LabelValues);
        Assert.Equal(1, metrics.Responses(2));
        Assert.Equal(1, metrics.Responses(4));
        Assert.Equal(1, metrics.Responses(0));
        Assert.Equal(0, metrics.Responses(5));
        Assert.Equal(10, metrics.BytesIn);
        Assert.Equal(30, metrics.BytesOut);
        Assert.Equal(3, metrics.Duration.Count);
        Assert.Equal(TimeSpan.FromSeconds(1.5), metrics.TotalDuration);
    }

    [Fact]
    public void Record_InSteadyState_AllocatesNothing()
    {
        RequestMetrics metrics = new ProxyMetrics().ForEntrypoint("web");
        for (int i = 0; i < 1_000; i++)
        {
            metrics.Record(200, i, i, i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            metrics.Record(100 + (i % 500), i * 1_000L, i, 2 * i);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
