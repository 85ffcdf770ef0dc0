using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Engine.Host.Configuration;

/// <summary>
/// The one duration grammar, for the TOML file and the admin API's JSON alike:
/// <list type="bullet">
/// <item>number+unit pairs in Go's <c>time.ParseDuration</c> spelling ("30s", "500ms", "1m30s",
/// "1.5h"), which Traefik, Caddy and Envoy users already know, with one more unit, <c>d</c> (24h);
/// units <c>us</c> (or <c>µs</c>), <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>;</item>
/// <item><c>"0"</c> alone, which is zero (as in Go);</item>
/// <item><c>"infinite"</c>: no limit (<see cref="Timeout.InfiniteTimeSpan"/>), which the
/// timeouts accept and the validator refuses elsewhere;</item>
/// <item>.NET's invariant TimeSpan form <c>[d.]hh:mm:ss[.fffffff]</c> ("00:00:30").</item>
/// </list>
/// No sign and no spaces: no setting takes a negative duration. A bare integer (TOML or JSON) is
/// a number of seconds; the callers read that form before calling here.
/// </summary>
public static class DurationParser
{
    /// <summary>What <see cref="Format"/> writes and <see cref="TryParse"/> reads for <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public const string Infinite = "infinite";

    public const string Expected = "a duration such as \"30s\", \"500ms\", \"1m30s\" or \"2h\", or an integer number of seconds";

    /// <summary>The longest duration, <see cref="TimeSpan.MaxValue"/>, in ticks.</summary>
    private const decimal MaxTicks = long.MaxValue;

    /// <summary>
    /// Parses <paramref name="text"/> in the grammar above. Each number may have a fraction; the
    /// total is rounded to the nearest tick (100 ns). On failure <paramref name="error"/> says why
    /// in words, without a final period, so that callers can place it after a location.
    /// </summary>
    public static bool TryParse(string text, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = TimeSpan.Zero;
        error = null;
        if (text is "0")
        {
            return true;
        }

        if (text is Infinite)
        {
            duration = Timeout.InfiniteTimeSpan;
            return true;
        }

        if (text.Length == 0)
        {
            error = $"expected {Expected}, found an empty string";
            return false;
        }

        if (text.Length > 1 && text[0] is '-' or '+')
        {
            error = $"'{text}' is not a duration: a duration has no sign";
            return false;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            if (TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out duration))
            {
                return true;
            }

            error = $"'{text}' is not a duration of the form [d.]hh:mm:ss[.fffffff], such as \"00:00:30\" or \"1.02:00:00\"";
            return false;
        }

        ReadOnlySpan<char> rest = text;
        decimal total = 0;
        while (!rest.IsEmpty)
        {
            int numberEnd = 0;
            while (numberEnd < rest.Length && (char.IsAsciiDigit(rest[numberEnd]) || rest[numberEnd] == '.'))
            {
                numberEnd++;
            }

            ReadOnlySpan<char> digits = rest[..numberEnd];
            if (numberEnd == 0 || digits.Count('.') > 1 || digits is ".")
            {
                error = $"'{text}' is not {Expected}";
                return false;
            }

            // Only a number too long for a decimal (29 digits or more) fails here.
            if (!decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number))
            {
                error = $"'{text}' is too long a duration";
                return false;
            }

            rest = rest[numberEnd..];
            int unitEnd = 0;
            while (unitEnd < rest.Length && char.IsLetter(rest[unitEnd]))
            {
                unitEnd++;
            }

            ReadOnlySpan<char> unit = rest[..unitEnd];
            long unitTicks = unit switch
            {
                "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "d" => TimeSpan.TicksPerDay,
                _ => 0,
            };
            if (unitTicks == 0)
            {
                error = unitEnd > 0
                    ? $"'{text}' is not a duration: '{unit}' is not a unit; the units are us, ms, s, m, h and d"
                    : rest.IsEmpty
                        ? $"'{text}' has no unit; write \"{text}s\" for seconds (or ms, m, h, d)"
                        : $"'{text}' is not {Expected}";
                return false;
            }

            // Bounded before multiplying, so that the decimal arithmetic cannot overflow.
            if (number > MaxTicks / unitTicks || (total += number * unitTicks) > MaxTicks)
            {
                error = $"'{text}' is too long a duration";
                return false;
            }

            rest = rest[unitEnd..];
        }

        duration = TimeSpan.FromTicks((long)decimal.Round(total, MidpointRounding.AwayFromZero));
        return true;
    }

    /// <summary>
    /// The shortest exact spelling <see cref="TryParse"/> reads back: "1m30s", "500ms", "2h",
    /// "1.5s", "0.25ms", "0s", "infinite". Hours are the largest unit, as in Go ("36h", not
    /// "1d12h"). A negative value (which no setting holds) is written with a '-' for diagnostics,
    /// and does not read back.
    /// </summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == Timeout.InfiniteTimeSpan)
        {
            return Infinite;
        }

        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        // The magnitude as unsigned: negating TimeSpan.MinValue.Ticks would overflow a long.
        long ticks = duration.Ticks;
        ulong magnitude = ticks < 0 ? (ulong)(-(ticks + 1)) + 1 : (ulong)ticks;
        string sign = ticks < 0 ? "-" : "";
        if (magnitude < TimeSpan.TicksPerSecond)
        {
            return sign + Decimal(magnitude / TimeSpan.TicksPerMillisecond, magnitude % TimeSpan.TicksPerMillisecond, 4) + "ms";
        }

        ulong hours = magnitude / TimeSpan.TicksPerHour;
        ulong minutes = magnitude % TimeSpan.TicksPerHour / TimeSpan.TicksPerMinute;
        ulong rest = magnitude % TimeSpan.TicksPerMinute;
        string text = sign;
        if (hours > 0)
        {
            text += hours.ToString(CultureInfo.InvariantCulture) + "h";
        }

        if (minutes > 0)
        {
            text += minutes.ToString(CultureInfo.InvariantCulture) + "m";
        }

        if (rest > 0)
        {
            text += Decimal(rest / TimeSpan.TicksPerSecond, rest % TimeSpan.TicksPerSecond, 7) + "s";
        }

        return text;
    }

    /// <summary>"12", or "12.05" from whole 12, fraction 500 with 4 fraction digits: no trailing zeros.</summary>
    private static string Decimal(ulong whole, ulong fraction, int fractionDigits)
    {
        string text = whole.ToString(CultureInfo.InvariantCulture);
        return fraction == 0 ? text : text + "." + fraction.ToString("D" + fractionDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).TrimEnd('0');
    }
}
