using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Engine.Host.Configuration;

/// <summary>
/// Byte sizes as config files write them: "512KiB", "10MiB" (powers of 1024, IEC 80000-13) or
/// "64KB", "1MB" (powers of 1000, SI), case-insensitive, an optional space before the unit. A
/// bare TOML integer is a number of bytes; the binder handles that form before calling here.
/// </summary>
/// <remarks>
/// Single-letter units ("10m", "1k") are deliberately refused: nginx reads them as powers of 1024,
/// most other tools as powers of 1000, and a limit off by 5% is the kind of mistake nobody sees.
/// </remarks>
public static class SizeParser
{
    private static readonly (string Unit, long Bytes)[] s_units =
    [
        ("KiB", 1L << 10),
        ("MiB", 1L << 20),
        ("GiB", 1L << 30),
        ("TiB", 1L << 40),
        ("KB", 1_000),
        ("MB", 1_000_000),
        ("GB", 1_000_000_000),
        ("TB", 1_000_000_000_000),
        ("B", 1),
    ];

    public const string Expected = "a size such as \"512KiB\", \"10MiB\" or \"1MB\", or an integer number of bytes";

    public static bool TryParse(string text, out long bytes, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        bytes = 0;
        ReadOnlySpan<char> span = text.AsSpan().Trim();
        int digits = 0;
        while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] is '.' or '_'))
        {
            digits++;
        }

        ReadOnlySpan<char> unitText = span[digits..].TrimStart(' ');
        if (digits == 0 || !decimal.TryParse(span[..digits].ToString().Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number))
        {
            error = $"'{text}' is not {Expected}";
            return false;
        }

        long unitBytes = 0;
        if (unitText.IsEmpty)
        {
            unitBytes = 1;
        }
        else
        {
            foreach ((string unit, long size) in s_units)
            {
                if (unitText.Equals(unit, StringComparison.OrdinalIgnoreCase))
                {
                    unitBytes = size;
                    break;
                }
            }
        }

        if (unitBytes == 0)
        {
            error = $"'{text}' has an unknown unit '{unitText}'; use B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024)";
            return false;
        }

        decimal total = number * unitBytes;
        if (total > long.MaxValue)
        {
            error = $"'{text}' is too large";
            return false;
        }

        if (total != decimal.Truncate(total))
        {
            error = $"'{text}' is not a whole number of bytes";
            return false;
        }

        bytes = (long)total;
        error = null;
        return true;
    }

    /// <summary>The exact binary spelling when there is one ("32KiB"), else the byte count.</summary>
    public static string Format(long bytes)
    {
        foreach ((string unit, long size) in (ReadOnlySpan<(string, long)>)[("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10)])
        {
            if (bytes >= size && bytes % size == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{bytes / size}{unit}");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{bytes}B");
    }
}
