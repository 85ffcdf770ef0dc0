namespace Engine.Host.Configuration.Toml;

/// <summary>What a <see cref="TomlNode"/> holds: a table, an array, or one of the eight TOML scalar types.</summary>
public enum TomlKind : byte
{
    Table,
    Array,
    String,
    /// <summary>A 64-bit signed integer (<see cref="long"/>).</summary>
    Integer,
    /// <summary>An IEEE 754 binary64 float, including inf and nan.</summary>
    Float,
    Boolean,
    /// <summary>Date, time and UTC offset (<c>1979-05-27T07:32:00-08:00</c>).</summary>
    OffsetDateTime,
    /// <summary>Date and time without offset (<c>1979-05-27T07:32:00</c>).</summary>
    LocalDateTime,
    /// <summary>A date alone (<c>1979-05-27</c>).</summary>
    LocalDate,
    /// <summary>A time of day alone (<c>07:32:00</c>).</summary>
    LocalTime,
}

public static class TomlKindExtensions
{
    /// <summary>The kind as a noun phrase for error messages: "a string", "an integer".</summary>
    public static string ToDisplayName(this TomlKind kind) => kind switch
    {
        TomlKind.Table => "a table",
        TomlKind.Array => "an array",
        TomlKind.String => "a string",
        TomlKind.Integer => "an integer",
        TomlKind.Float => "a float",
        TomlKind.Boolean => "a boolean",
        TomlKind.OffsetDateTime => "an offset date-time",
        TomlKind.LocalDateTime => "a local date-time",
        TomlKind.LocalDate => "a local date",
        TomlKind.LocalTime => "a local time",
        _ => "an unknown value",
    };
}
