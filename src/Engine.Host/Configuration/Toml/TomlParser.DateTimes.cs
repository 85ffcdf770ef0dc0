namespace Engine.Host.Configuration.Toml;

// Dates and times (https://toml.io/en/v1.0.0#offset-date-time), RFC 3339 as TOML 1.0 restricts it:
//   full-date    = date-fullyear "-" date-month "-" date-mday        ; 4DIGIT "-" 2DIGIT "-" 2DIGIT
//   partial-time = time-hour ":" time-minute ":" time-second [ "." 1*DIGIT ]   ; seconds required in 1.0
//   time-offset  = "Z" / ( "+" / "-" ) time-hour ":" time-minute
//   date-time    = full-date ( "T" / "t" / " " ) partial-time [ time-offset ]
// Deliberately narrower than RFC 3339 where .NET cannot hold the value: leap second 60, year 0000 and
// offsets beyond +-14:00 are rejected with a message saying so, rather than silently altered. Digits
// of a fraction beyond 100 ns are truncated, as TOML asks; the value keeps its source text.
internal sealed partial class TomlParser
{
    private const int MaxOffsetMinutes = 14 * 60;

    private bool LooksLikeDate(int p) =>
        p + 4 < _text.Length && TomlCharacters.IsDigit(_text[p]) && TomlCharacters.IsDigit(_text[p + 1]) &&
        TomlCharacters.IsDigit(_text[p + 2]) && TomlCharacters.IsDigit(_text[p + 3]) && _text[p + 4] == '-';

    private bool LooksLikeTime(int p) =>
        p + 2 < _text.Length && TomlCharacters.IsDigit(_text[p]) && TomlCharacters.IsDigit(_text[p + 1]) && _text[p + 2] == ':';

    private TomlValue ParseDateOrDateTime(TomlPosition position)
    {
        int start = _pos;
        int year = ReadDigits(4, "year");
        Expect('-', "after the year");
        int month = ReadDigits(2, "month");
        Expect('-', "after the month");
        int day = ReadDigits(2, "day");
        if (year == 0)
        {
            throw ErrorAt(start, "year 0000 is not supported: years run from 0001 to 9999");
        }

        if (month is < 1 or > 12)
        {
            throw ErrorAt(start + 5, $"month {month:D2} is out of range 01-12");
        }

        if (day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            throw ErrorAt(start + 8, $"day {day:D2} does not exist in {year:D4}-{month:D2}");
        }

        var date = new DateOnly(year, month, day);

        // A space separates date and time only when a time follows: "1979-05-27 # comment" is a date.
        bool hasTime = _pos < _text.Length &&
            (_text[_pos] is 'T' or 't' || (_text[_pos] == ' ' && _pos + 1 < _text.Length && TomlCharacters.IsDigit(_text[_pos + 1])));
        if (!hasTime)
        {
            EnsureDateTimeEnd("date");
            return TomlValue.LocalDate(position, date, _text[start.._pos]);
        }

        _pos++;
        var clock = new DateTime((date.DayNumber * TimeSpan.TicksPerDay) + ReadTime(), DateTimeKind.Unspecified);
        if (_pos >= _text.Length || _text[_pos] is not ('Z' or 'z' or '+' or '-'))
        {
            EnsureDateTimeEnd("date-time");
            return TomlValue.LocalDateTime(position, clock, _text[start.._pos]);
        }

        int offsetMinutes = ReadOffset();
        EnsureDateTimeEnd("date-time");
        long utcTicks = clock.Ticks - (offsetMinutes * TimeSpan.TicksPerMinute);
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            throw ErrorAt(position, "date-time is outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z once its offset is applied");
        }

        return TomlValue.OffsetDateTime(position, clock, offsetMinutes, _text[start.._pos]);
    }

    private TomlValue ParseLocalTime(TomlPosition position)
    {
        int start = _pos;
        long ticks = ReadTime();
        EnsureDateTimeEnd("time");
        return TomlValue.LocalTime(position, new TimeOnly(ticks), _text[start.._pos]);
    }

    /// <summary>Reads partial-time and returns its ticks since midnight.</summary>
    private long ReadTime()
    {
        int start = _pos;
        int hour = ReadDigits(2, "hour");
        Expect(':', "after the hour");
        int minute = ReadDigits(2, "minute");
        Expect(':', "and seconds after the minute (TOML 1.0 requires seconds)");
        int second = ReadDigits(2, "second");

        long fraction = 0;
        if (_pos < _text.Length && _text[_pos] == '.')
        {
            _pos++;
            int digitsStart = _pos;
            while (_pos < _text.Length && TomlCharacters.IsDigit(_text[_pos]))
            {
                if (_pos - digitsStart < 7)
                {
                    fraction = (fraction * 10) + (_text[_pos] - '0');
                }

                _pos++;
            }

            if (_pos == digitsStart)
            {
                throw Error($"expected a digit after '.' in the seconds, found {Describe(_pos)}");
            }

            for (int n = _pos - digitsStart; n < 7; n++)
            {
                fraction *= 10;
            }
        }

        if (hour > 23)
        {
            throw ErrorAt(start, $"hour {hour:D2} is out of range 00-23");
        }

        if (minute > 59)
        {
            throw ErrorAt(start + 3, $"minute {minute:D2} is out of range 00-59");
        }

        if (second > 59)
        {
            throw ErrorAt(start + 6, second == 60
                ? "second 60 (a leap second) is not supported"
                : $"second {second:D2} is out of range 00-59");
        }

        return (hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute) + (second * TimeSpan.TicksPerSecond) + fraction;
    }

    /// <summary>Reads "Z" or "+hh:mm" / "-hh:mm" and returns the offset in minutes.</summary>
    private int ReadOffset()
    {
        int start = _pos;
        char sign = _text[_pos++];
        if (sign is 'Z' or 'z')
        {
            return 0;
        }

        int hours = ReadDigits(2, "offset hour");
        Expect(':', "in the UTC offset");
        int minutes = ReadDigits(2, "offset minute");
        if (hours > 23 || minutes > 59)
        {
            throw ErrorAt(start, $"UTC offset {_text.AsSpan(start, 6)} is out of range: hours 00-23, minutes 00-59");
        }

        int offset = (hours * 60) + minutes;
        if (offset > MaxOffsetMinutes)
        {
            throw ErrorAt(start, $"UTC offset {_text.AsSpan(start, 6)} is not supported: offsets run from -14:00 to +14:00");
        }

        return sign == '-' ? -offset : offset;
    }

    private int ReadDigits(int count, string what)
    {
        int value = 0;
        for (int i = 0; i < count; i++)
        {
            if (_pos >= _text.Length || !TomlCharacters.IsDigit(_text[_pos]))
            {
                throw Error($"expected {count}-digit {what}, found {Describe(_pos)}");
            }

            value = (value * 10) + (_text[_pos++] - '0');
        }

        return value;
    }

    private void Expect(char c, string where)
    {
        if (_pos >= _text.Length || _text[_pos] != c)
        {
            throw Error($"expected '{c}' {where}, found {Describe(_pos)}");
        }

        _pos++;
    }

    /// <summary>A date or time ends where the number characters end: "07:32:00x" is one bad value, not two.</summary>
    private void EnsureDateTimeEnd(string what)
    {
        if (_pos < _text.Length && (TomlCharacters.NumberToken.Contains(_text[_pos]) || _text[_pos] == ':'))
        {
            throw Error($"unexpected {Describe(_pos)} after {what}");
        }
    }
}
