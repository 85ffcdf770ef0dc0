using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engine.Host.Admin;

/// <summary>
/// A <see cref="TimeSpan"/> as a duration string: "30s", "1m30s", "500ms", "1.5s", "2h", the way
/// the TOML file and Go-style tools write them. Reads also "00:00:30" (TimeSpan's invariant "c"
/// format), a JSON integer as seconds, and "infinite" (<see cref="Timeout.InfiniteTimeSpan"/>,
/// which some timeouts accept to mean "none").
/// </summary>
/// <remarks>
/// Writes the shortest exact form: whole hours, minutes and seconds with a decimal fraction of
/// a second only when there is one, and milliseconds below one second, so that reading what was
/// written gives back the same number of ticks.
/// </remarks>
internal sealed class DurationJsonConverter : JsonConverter<TimeSpan>
{
    private const string Infinite = "infinite";

    private const decimal MaxMagnitude = (decimal)long.MaxValue + 1;

    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetInt64(out long seconds) && Math.Abs(seconds) <= (long)TimeSpan.MaxValue.TotalSeconds)
            {
                return TimeSpan.FromSeconds(seconds);
            }
            throw new JsonException("a number here is a whole number of seconds; write a fraction as a string such as \"1.5s\" or \"1500ms\".");
        }
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"expected a duration such as \"30s\", \"1m30s\" or \"500ms\", not {reader.TokenType}.");
        }
        string text = reader.GetString()!;
        return TryParse(text, out TimeSpan value)
            ? value
            : throw new JsonException($"'{text}' is not a duration; expected e.g. \"30s\", \"1m30s\", \"500ms\", \"00:00:30\" or a whole number of seconds.");
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) => writer.WriteStringValue(Format(value));

    /// <summary>Parses a sequence of number+unit pairs (h, m, s, ms, us/µs), optionally signed, or the other forms above.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan value)
    {
        value = default;
        if (text.SequenceEqual(Infinite))
        {
            value = Timeout.InfiniteTimeSpan;
            return true;
        }
        if (text.Contains(':'))
        {
            return TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out value);
        }

        bool negative = text.Length > 0 && text[0] == '-';
        if (text.Length > 0 && text[0] is '-' or '+')
        {
            text = text[1..];
        }
        if (text.SequenceEqual("0"))
        {
            return true;
        }
        if (text.IsEmpty)
        {
            return false;
        }

        decimal ticks = 0;
        while (!text.IsEmpty)
        {
            int numberEnd = 0;
            while (numberEnd < text.Length && (char.IsAsciiDigit(text[numberEnd]) || text[numberEnd] == '.'))
            {
                numberEnd++;
            }
            // A number of more than 20 characters cannot be a TimeSpan in any unit, and the limit
            // keeps the decimal arithmetic below from overflowing.
            if (numberEnd is 0 or > 20 || !decimal.TryParse(text[..numberEnd], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number))
            {
                return false;
            }
            text = text[numberEnd..];

            int unitEnd = 0;
            while (unitEnd < text.Length && !char.IsAsciiDigit(text[unitEnd]) && text[unitEnd] != '.')
            {
                unitEnd++;
            }
            long unit = text[..unitEnd] switch
            {
                "h" => TimeSpan.TicksPerHour,
                "m" => TimeSpan.TicksPerMinute,
                "s" => TimeSpan.TicksPerSecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                _ => 0,
            };
            // Bounded before multiplying so that the decimal arithmetic cannot overflow; one
            // tick of headroom admits TimeSpan.MinValue, whose magnitude is MaxValue + 1 tick.
            if (unit == 0 || number > MaxMagnitude / unit || (ticks += number * unit) > MaxMagnitude)
            {
                return false;
            }
            text = text[unitEnd..];
        }

        decimal whole = decimal.Round(negative ? -ticks : ticks, MidpointRounding.AwayFromZero);
        if (whole > long.MaxValue)
        {
            return false;
        }
        value = TimeSpan.FromTicks((long)whole);
        return true;
    }

    public static string Format(TimeSpan value)
    {
        if (value == Timeout.InfiniteTimeSpan)
        {
            return Infinite;
        }
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        // The magnitude as unsigned: negating TimeSpan.MinValue.Ticks would overflow a long.
        long ticks = value.Ticks;
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
