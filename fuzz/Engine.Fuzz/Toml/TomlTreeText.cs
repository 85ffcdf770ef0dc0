using System.Globalization;
using System.Text;
using Engine.Host.Configuration.Toml;

namespace Engine.Fuzz.Toml;

/// <summary>
/// Writes a parsed document as text that two parses must reproduce exactly: every key in order
/// with its position, every node's kind, position and shape (inline, array of tables), and every
/// scalar's exact payload (a float's bits, so -0.0 and nan payloads count; a date-time's ticks,
/// offset and source text). While writing it checks what the model promises: positions are 1-based
/// and inside the text, and nothing nests deeper than <see cref="TomlDocument.MaxNestingDepth"/>.
/// </summary>
internal static class TomlTreeText
{
    public static string Write(TomlDocument document, TextShape shape)
    {
        var builder = new StringBuilder();
        WriteNode(builder, document.Root, 0, shape);
        return builder.ToString();
    }

    private static void WriteNode(StringBuilder builder, TomlNode node, int depth, TextShape shape)
    {
        if (depth > TomlDocument.MaxNestingDepth + 1)
        {
            throw new FuzzFindingException($"A parsed document nests {depth} deep, beyond the limit of {TomlDocument.MaxNestingDepth}.");
        }

        shape.Check(node.Position, "a node");
        builder.Append(node.Position.Line).Append(':').Append(node.Position.Column).Append(' ');
        switch (node)
        {
            case TomlTable table:
                builder.Append(table.IsInline ? "{" : "table {").Append(table.Count).Append('\n');
                foreach (TomlKeyValue entry in table)
                {
                    shape.Check(entry.KeyPosition, $"the key \"{entry.Key}\"");
                    if (!table.ContainsKey(entry.Key) || !ReferenceEquals(table[entry.Key], entry.Value))
                    {
                        throw new FuzzFindingException($"The table's index and its entries disagree on key \"{entry.Key}\".");
                    }

                    builder.Append(Escape(entry.Key)).Append('@').Append(entry.KeyPosition.Line).Append(':').Append(entry.KeyPosition.Column).Append(" = ");
                    WriteNode(builder, entry.Value, depth + 1, shape);
                }

                builder.Append("}\n");
                break;
            case TomlArray array:
                builder.Append(array.IsArrayOfTables ? "[[" : "[").Append(array.Count).Append('\n');
                foreach (TomlNode item in array)
                {
                    if (array.IsArrayOfTables && item is not TomlTable)
                    {
                        throw new FuzzFindingException($"An array of tables holds {item.Kind}.");
                    }

                    WriteNode(builder, item, depth + 1, shape);
                }

                builder.Append("]\n");
                break;
            case TomlValue value:
                builder.Append(value.Kind).Append(' ').Append(Payload(value)).Append('\n');
                break;
            default:
                throw new FuzzFindingException($"Unknown node type {node.GetType().Name}.");
        }
    }

    private static string Payload(TomlValue value) => value.Kind switch
    {
        TomlKind.String => Escape(value.GetString()),
        TomlKind.Integer => value.GetInteger().ToString(CultureInfo.InvariantCulture),
        TomlKind.Float => BitConverter.DoubleToInt64Bits(value.GetFloat()).ToString("X16", CultureInfo.InvariantCulture),
        TomlKind.Boolean => value.GetBoolean() ? "true" : "false",
        TomlKind.OffsetDateTime => $"{value.GetOffsetDateTime().Ticks} {value.GetOffsetDateTime().Offset} {value.SourceText}",
        TomlKind.LocalDateTime => $"{value.GetLocalDateTime().Ticks} {value.SourceText}",
        TomlKind.LocalDate => $"{value.GetLocalDate().DayNumber} {value.SourceText}",
        TomlKind.LocalTime => $"{value.GetLocalTime().Ticks} {value.SourceText}",
        _ => throw new FuzzFindingException($"A scalar of kind {value.Kind}."),
    };

    // Keys and strings may hold newlines and any other character: escape so that one value cannot
    // pass for the rest of the dump.
    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            if (c is '"' or '\\' || c < 0x20 || c == 0x7F)
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }
}

/// <summary>The lines of a parsed text, to check that a reported position lies inside it.</summary>
internal sealed class TextShape
{
    private readonly int[] _lineLengths;
    private readonly string? _fileName;

    public TextShape(string text, string? fileName)
    {
        _lineLengths = [.. text.Split('\n').Select(static line => line.Length)];
        _fileName = fileName;
    }

    /// <summary>
    /// Columns count scalar values and a line's length counts UTF-16 units, so the length is an
    /// upper bound; one past the end is where "end of line" and "end of file" are reported.
    /// </summary>
    public void Check(TomlPosition position, string what)
    {
        if (position.FileName != _fileName)
        {
            throw new FuzzFindingException($"The position of {what} names file '{position.FileName}', not '{_fileName}'.");
        }

        if (position.Line < 1 || position.Line > _lineLengths.Length ||
            position.Column < 1 || position.Column > _lineLengths[position.Line - 1] + 1)
        {
            throw new FuzzFindingException($"The position {position} of {what} lies outside the {_lineLengths.Length}-line text.");
        }
    }
}
