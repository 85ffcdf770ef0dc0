using System.Buffers;

namespace Engine.Core.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format 0.0.4 as UTF-8 into an
/// <see cref="IBufferWriter{T}"/> (an <c>ArrayBufferWriter</c>, or a response's <c>PipeWriter</c>
/// directly). A family is opened with <see cref="BeginFamily"/>, which writes its <c># HELP</c> and
/// <c># TYPE</c> lines; the samples written after it belong to it.
/// </summary>
/// <remarks>
/// The format's rules are enforced rather than trusted to callers: a family name is written once
/// (a histogram also reserves its <c>_bucket</c>, <c>_sum</c> and <c>_count</c> names), so a
/// family's samples are contiguous and never duplicated; names and label names are checked
/// against the format's grammar; a histogram's labels may not include <c>le</c>. Violations
/// throw, since they are bugs in the exporter, not data. Timestamps are deliberately not written:
/// the scrape time is the right one for live counters.
/// https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
/// </remarks>
public sealed partial class PrometheusTextWriter
{
    /// <summary>The Content-Type of this output on an HTTP response.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly IBufferWriter<byte> _output;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private string? _family;
    private MetricType _type;

    public PrometheusTextWriter(IBufferWriter<byte> output) => _output = output;

    /// <summary>
    /// Starts a family: writes <c># HELP name help</c> and <c># TYPE name type</c>. Counter names
    /// should end in <c>_total</c> (0.0.4 names a counter's family as its sample, suffix included).
    /// </summary>
    public void BeginFamily(string name, MetricType type, string help)
    {
        if (!IsValidMetricName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).", nameof(name));
        }
        if (string.IsNullOrWhiteSpace(help))
        {
            throw new ArgumentException($"Family '{name}' needs help text.", nameof(help));
        }

        ReserveName(name);
        if (type == MetricType.Histogram)
        {
            ReserveName(name + "_bucket");
            ReserveName(name + "_sum");
            ReserveName(name + "_count");
        }

        _family = name;
        _type = type;
        WriteRaw("# HELP "u8);
        WriteAscii(name);
        WriteRaw(" "u8);
        WriteEscaped(help, escapeQuote: false);
        WriteRaw("\n# TYPE "u8);
        WriteAscii(name);
        WriteRaw(type switch
        {
            MetricType.Counter => " counter\n"u8,
            MetricType.Gauge => " gauge\n"u8,
            MetricType.Histogram => " histogram\n"u8,
            _ => " untyped\n"u8,
        });
    }

    /// <summary>Writes a sample of the current counter, gauge or untyped family.</summary>
    public void WriteSample(long value, params ReadOnlySpan<MetricLabel> labels)
    {
        string name = CurrentScalarFamily();
        WriteSeries(name, ""u8, labels);
        WriteLong(value);
        WriteRaw("\n"u8);
    }

    /// <inheritdoc cref="WriteSample(long, ReadOnlySpan{MetricLabel})"/>
    public void WriteSample(double value, params ReadOnlySpan<MetricLabel> labels)
    {
        string name = CurrentScalarFamily();
        WriteSeries(name, ""u8, labels);
        WriteDouble(value);
        WriteRaw("\n"u8);
    }

    /// <summary>Writes one series of the current histogram family from a live <see cref="Histogram"/>.</summary>
    public void WriteHistogram(Histogram histogram, params ReadOnlySpan<MetricLabel> labels)
    {
        int buckets = histogram.UpperBounds.Length + 1;
        long[]? rented = null;
        Span<long> counts = buckets <= 64 ? stackalloc long[64] : (rented = ArrayPool<long>.Shared.Rent(buckets));
        counts = counts[..buckets];
        // The buckets and the sum are read apart: an observation racing the scrape may be in one
        // and not yet the other. The count is the +Inf bucket, so buckets and count always agree.
        try
        {
            histogram.CopyCumulativeCounts(counts);
            WriteHistogram(histogram.UpperBounds, counts, histogram.Sum, labels);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<long>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Writes one series of the current histogram family: a <c>_bucket</c> line per bound and
    /// <c>+Inf</c>, then <c>_sum</c> and <c>_count</c> (the <c>+Inf</c> count).
    /// </summary>
    /// <param name="cumulativeCounts">Observations &lt;= each bound, then the total; one more than <paramref name="upperBounds"/>.</param>
    public void WriteHistogram(ReadOnlySpan<double> upperBounds, ReadOnlySpan<long> cumulativeCounts, double sum, params ReadOnlySpan<MetricLabel> labels)
    {
        if (_family is null || _type != MetricType.Histogram)
        {
            throw new InvalidOperationException("WriteHistogram needs a histogram family begun with BeginFamily.");
        }
        if (cumulativeCounts.Length != upperBounds.Length + 1)
        {
            throw new ArgumentException("One count per bound plus +Inf is needed.", nameof(cumulativeCounts));
        }
        foreach (MetricLabel label in labels)
        {
            if (label.Name == "le")
            {
                throw new ArgumentException("'le' is the bucket label of a histogram.", nameof(labels));
            }
        }

        for (int i = 0; i < cumulativeCounts.Length; i++)
        {
            WriteSeriesStart(_family, "_bucket"u8, labels);
            WriteRaw(labels.IsEmpty ? "le=\""u8 : ",le=\""u8);
            WriteDouble(i < upperBounds.Length ? upperBounds[i] : double.PositiveInfinity);
            WriteRaw("\"} "u8);
            WriteLong(cumulativeCounts[i]);
            WriteRaw("\n"u8);
        }

        WriteSeries(_family, "_sum"u8, labels);
        WriteDouble(sum);
        WriteRaw("\n"u8);
        WriteSeries(_family, "_count"u8, labels);
        WriteLong(cumulativeCounts[^1]);
        WriteRaw("\n"u8);
    }

    private string CurrentScalarFamily()
    {
        if (_family is null || _type == MetricType.Histogram)
        {
            throw new InvalidOperationException("WriteSample needs a counter, gauge or untyped family begun with BeginFamily.");
        }
        return _family;
    }

    private void ReserveName(string name)
    {
        if (!_names.Add(name))
        {
            throw new InvalidOperationException($"Metric name '{name}' was already written: a family is written once, with all its samples together.");
        }
    }

    /// <summary>Writes <c>name{labels} </c> (or <c>name </c> without labels), ready for the value.</summary>
    private void WriteSeries(string family, ReadOnlySpan<byte> suffix, ReadOnlySpan<MetricLabel> labels)
    {
        if (labels.IsEmpty)
        {
            WriteAscii(family);
            WriteRaw(suffix);
            WriteRaw(" "u8);
            return;
        }
        WriteSeriesStart(family, suffix, labels);
        WriteRaw("} "u8);
    }

    /// <summary>Writes <c>name{l1="v1",l2="v2"</c> without the closing brace, so a bucket can append <c>le</c>.</summary>
    private void WriteSeriesStart(string family, ReadOnlySpan<byte> suffix, ReadOnlySpan<MetricLabel> labels)
    {
        WriteAscii(family);
        WriteRaw(suffix);
        WriteRaw("{"u8);
        for (int i = 0; i < labels.Length; i++)
        {
            MetricLabel label = labels[i];
            if (!IsValidLabelName(label.Name))
            {
                throw new ArgumentException($"'{label.Name}' is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __).", nameof(labels));
            }
            for (int j = 0; j < i; j++)
            {
                if (labels[j].Name == label.Name)
                {
                    throw new ArgumentException($"Label '{label.Name}' is given twice.", nameof(labels));
                }
            }
            if (i > 0)
            {
                WriteRaw(","u8);
            }
            WriteAscii(label.Name);
            WriteRaw("=\""u8);
            WriteEscaped(label.Value ?? "", escapeQuote: true);
            WriteRaw("\""u8);
        }
    }

    internal static bool IsValidMetricName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = char.IsAsciiLetter(c) || c is '_' or ':' || (i > 0 && char.IsAsciiDigit(c));
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    internal static bool IsValidLabelName(string name)
    {
        if (name.Length == 0 || name.StartsWith("__", StringComparison.Ordinal))
        {
            return false;
        }
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (!(char.IsAsciiLetter(c) || c == '_' || (i > 0 && char.IsAsciiDigit(c))))
            {
                return false;
            }
        }
        return true;
    }
}
