using System.Buffers;
using System.Globalization;
using System.Text;
using Engine.Core.Metrics;

namespace Engine.Core.Tests.Metrics;

public sealed class PrometheusTextWriterTests
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    private string Text => Encoding.UTF8.GetString(_buffer.WrittenSpan);

    [Fact]
    public void BeginFamily_WritesHelpThenType_AndSamplesFollow()
    {
        var writer = new PrometheusTextWriter(_buffer);

        writer.BeginFamily("engine_requests_total", MetricType.Counter, "Requests read.");
        writer.WriteSample(3, new MetricLabel("entrypoint", "web"), new MetricLabel("code_class", "2xx"));
        writer.WriteSample(4L);
        writer.BeginFamily("engine_open_connections", MetricType.Gauge, "Open connections.");
        writer.WriteSample(1.5);

        Assert.Equal(
            "# HELP engine_requests_total Requests read.\n" +
            "# TYPE engine_requests_total counter\n" +
            "engine_requests_total{entrypoint=\"web\",code_class=\"2xx\"} 3\n" +
            "engine_requests_total 4\n" +
            "# HELP engine_open_connections Open connections.\n" +
            "# TYPE engine_open_connections gauge\n" +
            "engine_open_connections 1.5\n",
            Text);
    }

    [Fact]
    public void WriteSample_LabelValueWithBackslashQuoteAndNewline_EscapesAllThree()
    {
        var writer = new PrometheusTextWriter(_buffer);
        writer.BeginFamily("x", MetricType.Gauge, "x");

        writer.WriteSample(1L, new MetricLabel("path", "C:\\dir \"q\"\nnext é😀"));

        Assert.EndsWith("x{path=\"C:\\\\dir \\\"q\\\"\\nnext é😀\"} 1\n", Text);
    }

    [Fact]
    public void BeginFamily_HelpWithBackslashAndNewline_EscapesThemButNotQuotes()
    {
        var writer = new PrometheusTextWriter(_buffer);

        writer.BeginFamily("x", MetricType.Gauge, "a \\ b\n\"c\"");

        Assert.StartsWith("# HELP x a \\\\ b\\n\"c\"\n", Text);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.0005, "0.0005")]
    [InlineData(1e-5, "1E-05")]
    [InlineData(1e21, "1E+21")]
    [InlineData(123456789012.0, "123456789012")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void WriteSample_Double_UsesInvariantShortestRoundTripAndPrometheusSpecials(double value, string expected)
    {
        // The build is globalization-invariant, so a decimal-comma culture is made by hand.
        var commaCulture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        commaCulture.NumberFormat.NumberDecimalSeparator = ",";
        commaCulture.NumberFormat.NegativeSign = "~";
        CultureInfo previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = commaCulture;
        try
        {
            var writer = new PrometheusTextWriter(_buffer);
            writer.BeginFamily("x", MetricType.Gauge, "x");
            writer.WriteSample(value);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }

        Assert.EndsWith($"\nx {expected}\n", Text);
        if (double.IsFinite(value))
        {
            Assert.Equal(value, double.Parse(expected, CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void WriteSample_LongExtremes_AreWrittenInFull()
    {
        var writer = new PrometheusTextWriter(_buffer);
        writer.BeginFamily("x", MetricType.Gauge, "x");

        writer.WriteSample(long.MaxValue);
        writer.WriteSample(long.MinValue);

        Assert.EndsWith("x 9223372036854775807\nx -9223372036854775808\n", Text);
    }

    [Fact]
    public void WriteHistogram_WritesCumulativeBucketsInfSumAndCount()
    {
        var histogram = new Histogram([0.005, 1]);
        histogram.Observe(0.001);
        histogram.Observe(0.5);
        histogram.Observe(3);
        var writer = new PrometheusTextWriter(_buffer);

        writer.BeginFamily("engine_request_duration_seconds", MetricType.Histogram, "Duration.");
        writer.WriteHistogram(histogram, new MetricLabel("service", "api"));

        Assert.Equal(
            "# HELP engine_request_duration_seconds Duration.\n" +
            "# TYPE engine_request_duration_seconds histogram\n" +
            "engine_request_duration_seconds_bucket{service=\"api\",le=\"0.005\"} 1\n" +
            "engine_request_duration_seconds_bucket{service=\"api\",le=\"1\"} 2\n" +
            "engine_request_duration_seconds_bucket{service=\"api\",le=\"+Inf\"} 3\n" +
            "engine_request_duration_seconds_sum{service=\"api\"} 3.501\n" +
            "engine_request_duration_seconds_count{service=\"api\"} 3\n",
            Text);
    }

    [Fact]
    public void WriteHistogram_WithoutLabels_PutsLeAlone()
    {
        var writer = new PrometheusTextWriter(_buffer);
        writer.BeginFamily("h", MetricType.Histogram, "h");

        writer.WriteHistogram([1.0], [2, 5], 7.5);

        Assert.EndsWith("h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 5\nh_sum 7.5\nh_count 5\n", Text);
    }

    [Fact]
    public void BeginFamily_NameAlreadyWritten_Throws()
    {
        var writer = new PrometheusTextWriter(_buffer);
        writer.BeginFamily("x_total", MetricType.Counter, "x");

        Assert.Throws<InvalidOperationException>(() => writer.BeginFamily("x_total", MetricType.Counter, "x"));
    }

    [Fact]
    public void BeginFamily_NameOfAnEarlierHistogramsCount_Throws()
    {
        var writer = new PrometheusTextWriter(_buffer);
        writer.BeginFamily("d_seconds", MetricType.Histogram, "d");

        Assert.Throws<InvalidOperationException>(() => writer.BeginFamily("d_seconds_count", MetricType.Gauge, "c"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1abc")]
    [InlineData("a-b")]
    [InlineData("a b")]
    public void BeginFamily_InvalidName_Throws(string name)
    {
        var writer = new PrometheusTextWriter(_buffer);

        Assert.Throws<ArgumentException>(() => writer.BeginFamily(name, MetricType.Gauge, "x"));
    }

    [Fact]
    public void BeginFamily_WithoutHelp_Throws()
    {
        var writer = new PrometheusTextWriter(_buffer);

        Assert.Throws<ArgumentException>(() => writer.BeginFamily("x", MetricType.Gauge, " "));
    }

    [Theory]
    [InlineData("__name")]
    [InlineData("9x")]
    [InlineData("a:b")]
    [InlineData("")]
    public void WriteSample_InvalidLabelName_Throws(string label)
    {
        var writer = new PrometheusTextWriter(_buffer);
        writer.BeginFamily("x", MetricType.Gauge, "x");

        Assert.Throws<ArgumentException>(() => writer.WriteSample(1L, new MetricLabel(label, "v")));
    }

    [Fact]
    public void WriteSample_SameLabelTwice_Throws()
    {
        var writer = new PrometheusTextWriter(_buffer);
        writer.BeginFamily("x", MetricType.Gauge, "x");

        Assert.Throws<ArgumentException>(() => writer.WriteSample(1L, new MetricLabel("a", "1"), new MetricLabel("a", "2")));
    }

    [Fact]
    public void WriteHistogram_WithLeLabel_Throws()
    {
        var writer = new PrometheusTextWriter(_buffer);
        writer.BeginFamily("h", MetricType.Histogram, "h");

        Assert.Throws<ArgumentException>(() => writer.WriteHistogram(new Histogram([1]), new MetricLabel("le", "1")));
    }

    [Fact]
    public void WriteSample_BeforeAnyFamilyOrIntoAHistogram_Throws()
    {
        var writer = new PrometheusTextWriter(_buffer);
        Assert.Throws<InvalidOperationException>(() => writer.WriteSample(1L));

        writer.BeginFamily("h", MetricType.Histogram, "h");
        Assert.Throws<InvalidOperationException>(() => writer.WriteSample(1L));
    }

    [Fact]
    public void WriteHistogram_IntoACounterFamily_Throws()
    {
        var writer = new PrometheusTextWriter(_buffer);
        writer.BeginFamily("c_total", MetricType.Counter, "c");

        Assert.Throws<InvalidOperationException>(() => writer.WriteHistogram(new Histogram([1])));
    }
}
