using System.Diagnostics.CodeAnalysis;

namespace Engine.Host.Configuration;

/// <summary>
/// Durations as config files write them: Go's <c>time.ParseDuration</c> spelling ("30s", "500ms",
/// "1m30s", "1.5h"), which Traefik, Caddy and Envoy users already know. A bare TOML integer is a
/// number of seconds; the binder handles that form before calling here.
/// </summary>
public static class DurationParser
{
    /// <summary>The accepted units, longest first so "ms" is not read as "m" followed by "s".</summary>
    private static readonly (string Unit, long Ticks)[] s_units =
    [
        ("ms", TimeSpan.TicksPerMillisecond),
        ("us", TimeSpan.TicksPerMicrosecond),
        ("µs", TimeSpan.TicksPerMicrosecond),
        ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond),
        ("d", TimeSpan.TicksPerDay),
    ];

    public const string Expected = "a duration such as \"30s\", \"500ms\", \"1m30s\" or \"2h\", or an integer number of seconds";

    /// <summary>
    /// Parses one or more number+unit pairs with no sign and no spaces. Each number may have a
    /// fraction; the total is rounded down to whole ticks (100 ns). "0" alone is zero, as in Go.
    /// </summary>
    public static bool TryParse(string text, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = TimeSpan.Zero;
        if (text == "0")
        {
            error = null;
            return true;
        }

        ReadOnlySpan<char> rest = text;
        if (rest.IsEmpty)
        {
            error = $"expected {Expected}, found an empty string";
            return false;
        }

        decimal total = 0;
        while (!rest.IsEmpty)
        {
            int digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !decimal.TryParse(rest[..digits], System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out decimal number))
            {
                error = $"'{text}' is not {Expected}";
                return false;
            }

            rest = rest[digits..];
            long unitTicks = 0;
            foreach ((string unit, long ticks) in s_units)
            {
                if (rest.StartsWith(unit, StringComparison.Ordinal))
                {
                    unitTicks = ticks;
                    rest = rest[unit.Length..];
                    break;
                }
            }

            if (unitTicks == 0)
            {
                error = rest.IsEmpty
                    ? $"'{text}' has no unit; write \"{text}s\" for seconds (or ms, m, h, d)"
                    : $"'{text}' is not {Expected}";
                return false;
            }

            total += number * unitTicks;
            if (total > TimeSpan.MaxValue.Ticks)
            {
                error = $"'{text}' is too long a duration";
                return false;
            }
        }

        duration = TimeSpan.FromTicks((long)total);
        error = null;
        return true;
    }

    /// <summary>The shortest spelling <see cref="TryParse"/> reads back: "1m30s", "500ms", "2h".</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        if (duration < TimeSpan.Zero || duration.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            return duration.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        var text = new System.Text.StringBuilder();
        long ticks = duration.Ticks;
        foreach ((string unit, long size) in (ReadOnlySpan<(string, long)>)[("d", TimeSpan.TicksPerDay), ("h", TimeSpan.TicksPerHour), ("m", TimeSpan.TicksPerMinute), ("s", TimeSpan.TicksPerSecond), ("ms", TimeSpan.TicksPerMillisecond)])
        {
            if (ticks >= size)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{ticks / size}{unit}");
                ticks %= size;
            }
        }

        return text.ToString();
    }
}
