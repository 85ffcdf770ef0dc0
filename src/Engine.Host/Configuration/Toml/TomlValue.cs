using System.Diagnostics;

namespace Engine.Host.Configuration.Toml;

/// <summary>
/// A TOML scalar: string, integer, float, boolean, or one of the four date/time kinds.
/// The typed getters throw <see cref="InvalidOperationException"/> on the wrong kind (a caller bug:
/// check <see cref="TomlNode.Kind"/> first and report a <see cref="TomlException"/> at <see cref="TomlNode.Position"/>).
/// </summary>
public sealed class TomlValue : TomlNode
{
    // One slot for every payload keeps the node small: the integer, the float's bits, the boolean,
    // the ticks of a date-time or time of day, or the day number of a date.
    private readonly long _bits;
    private readonly short _offsetMinutes;
    private readonly string? _text;

    private TomlValue(TomlPosition position, TomlKind kind, long bits, string? text, short offsetMinutes = 0)
        : base(position)
    {
        Kind = kind;
        _bits = bits;
        _text = text;
        _offsetMinutes = offsetMinutes;
    }

    public override TomlKind Kind { get; }

    /// <summary>
    /// The text as written, for the four date/time kinds: TOML allows fractional seconds finer than the
    /// 100 ns the .NET types keep (the getters truncate, as the TOML spec asks). Null for other kinds.
    /// </summary>
    public string? SourceText => Kind >= TomlKind.OffsetDateTime ? _text : null;

    public string GetString() => Kind == TomlKind.String ? _text! : throw WrongKind(TomlKind.String);

    public long GetInteger() => Kind == TomlKind.Integer ? _bits : throw WrongKind(TomlKind.Integer);

    public double GetFloat() => Kind == TomlKind.Float ? BitConverter.Int64BitsToDouble(_bits) : throw WrongKind(TomlKind.Float);

    public bool GetBoolean() => Kind == TomlKind.Boolean ? _bits != 0 : throw WrongKind(TomlKind.Boolean);

    public DateTimeOffset GetOffsetDateTime() =>
        Kind == TomlKind.OffsetDateTime
            ? new DateTimeOffset(_bits, TimeSpan.FromMinutes(_offsetMinutes))
            : throw WrongKind(TomlKind.OffsetDateTime);

    /// <summary>The local date-time, with <see cref="DateTimeKind.Unspecified"/>.</summary>
    public DateTime GetLocalDateTime() =>
        Kind == TomlKind.LocalDateTime ? new DateTime(_bits, DateTimeKind.Unspecified) : throw WrongKind(TomlKind.LocalDateTime);

    public DateOnly GetLocalDate() =>
        Kind == TomlKind.LocalDate ? DateOnly.FromDayNumber((int)_bits) : throw WrongKind(TomlKind.LocalDate);

    public TimeOnly GetLocalTime() => Kind == TomlKind.LocalTime ? new TimeOnly(_bits) : throw WrongKind(TomlKind.LocalTime);

    public override string ToString() => Kind switch
    {
        TomlKind.String => _text!,
        TomlKind.Integer => _bits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TomlKind.Float => GetFloat().ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        TomlKind.Boolean => _bits != 0 ? "true" : "false",
        _ => _text!,
    };

    internal static TomlValue String(TomlPosition position, string value) => new(position, TomlKind.String, 0, value);

    internal static TomlValue Integer(TomlPosition position, long value) => new(position, TomlKind.Integer, value, null);

    internal static TomlValue Float(TomlPosition position, double value) =>
        new(position, TomlKind.Float, BitConverter.DoubleToInt64Bits(value), null);

    internal static TomlValue Boolean(TomlPosition position, bool value) => new(position, TomlKind.Boolean, value ? 1 : 0, null);

    internal static TomlValue OffsetDateTime(TomlPosition position, DateTime clock, int offsetMinutes, string text)
    {
        Debug.Assert(Math.Abs(offsetMinutes) <= 14 * 60, "DateTimeOffset takes offsets up to 14 hours; the parser checks.");
        return new(position, TomlKind.OffsetDateTime, clock.Ticks, text, (short)offsetMinutes);
    }

    internal static TomlValue LocalDateTime(TomlPosition position, DateTime clock, string text) =>
        new(position, TomlKind.LocalDateTime, clock.Ticks, text);

    internal static TomlValue LocalDate(TomlPosition position, DateOnly date, string text) =>
        new(position, TomlKind.LocalDate, date.DayNumber, text);

    internal static TomlValue LocalTime(TomlPosition position, TimeOnly time, string text) =>
        new(position, TomlKind.LocalTime, time.Ticks, text);

    private InvalidOperationException WrongKind(TomlKind wanted) =>
        new($"The TOML value at {Position} is {Kind.ToDisplayName()}, not {wanted.ToDisplayName()}.");
}
