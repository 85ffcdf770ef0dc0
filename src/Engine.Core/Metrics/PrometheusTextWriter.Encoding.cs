using System.Globalization;
using System.Text;

namespace Engine.Core.Metrics;

/// <summary>The byte level of the text format: escaping and number formatting.</summary>
public sealed partial class PrometheusTextWriter
{
    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Span<byte> destination = _output.GetSpan(bytes.Length);
        bytes.CopyTo(destination);
        _output.Advance(bytes.Length);
    }

    /// <summary>Names, already checked to be ASCII by the grammar.</summary>
    private void WriteAscii(string text)
    {
        Span<byte> destination = _output.GetSpan(text.Length);
        int written = Encoding.ASCII.GetBytes(text, destination);
        _output.Advance(written);
    }

    /// <summary>
    /// Label values escape backslash, double quote and line feed as <c>\\</c>, <c>\"</c>, <c>\n</c>;
    /// HELP text escapes only backslash and line feed (a quote is literal there). Everything else
    /// is written as UTF-8 as it is. The runs between escapes are split only at those ASCII
    /// characters, so a surrogate pair is never cut in two.
    /// </summary>
    private void WriteEscaped(string text, bool escapeQuote)
    {
        ReadOnlySpan<char> rest = text;
        while (!rest.IsEmpty)
        {
            int special = escapeQuote ? rest.IndexOfAny('\\', '"', '\n') : rest.IndexOfAny('\\', '\n');
            ReadOnlySpan<char> run = special < 0 ? rest : rest[..special];
            if (!run.IsEmpty)
            {
                Span<byte> destination = _output.GetSpan(Encoding.UTF8.GetMaxByteCount(run.Length));
                _output.Advance(Encoding.UTF8.GetBytes(run, destination));
            }
            if (special < 0)
            {
                return;
            }
            WriteRaw(rest[special] switch
            {
                '\\' => @"\\"u8,
                '"' => "\\\""u8,
                _ => @"\n"u8,
            });
            rest = rest[(special + 1)..];
        }
    }

    private void WriteLong(long value)
    {
        Span<byte> destination = _output.GetSpan(20);
        if (!value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A long did not fit in 20 bytes.");
        }
        _output.Advance(written);
    }

    /// <summary>
    /// Go's <c>strconv.ParseFloat</c> reads the values, so: <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>,
    /// and otherwise the shortest string that round-trips ("R": <c>0.1</c>, <c>1E-05</c>,
    /// <c>1E+21</c>), always in the invariant culture so no decimal comma sneaks in.
    /// </summary>
    private void WriteDouble(double value)
    {
        if (double.IsNaN(value))
        {
            WriteRaw("NaN"u8);
            return;
        }
        if (double.IsInfinity(value))
        {
            WriteRaw(value > 0 ? "+Inf"u8 : "-Inf"u8);
            return;
        }
        Span<byte> destination = _output.GetSpan(32);
        if (!value.TryFormat(destination, out int written, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A double did not fit in 32 bytes.");
        }
        _output.Advance(written);
    }
}
