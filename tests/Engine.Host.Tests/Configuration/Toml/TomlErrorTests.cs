using System.Text;
using Engine.Host.Configuration.Toml;

namespace Engine.Host.Tests.Configuration.Toml;

public sealed class TomlErrorTests
{
    [Fact]
    public void Parse_MissingEquals_ReportsExpectedEqualsWithFileLineAndColumn()
    {
        const string text = "[gateway]\n\n  address \"0.0.0.0:80\"\n";

        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse(text, "gateway.toml"));

        Assert.Equal("gateway.toml:3:11: expected '=' after key \"address\", found '\"'", e.Message);
        Assert.Equal("expected '=' after key \"address\", found '\"'", e.Reason);
        Assert.Equal(("gateway.toml", 3, 11), (e.FileName, e.Line, e.Column));
    }

    [Fact]
    public void Parse_WithoutFileName_PrefixesLineAndColumnOnly()
    {
        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse("a = 1\nb = \n"));

        Assert.Equal("2:5: expected a value, found end of line", e.Message);
        Assert.Null(e.FileName);
    }

    [Fact]
    public void Parse_DuplicateKey_PointsAtSecondKeyAndNamesTheFirst()
    {
        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse("[server]\nport = 80\n\n  port = 81\n", "x.toml"));

        Assert.Equal("x.toml:4:3: duplicate key \"port\": already defined at 2:1", e.Message);
    }

    [Fact]
    public void Parse_TableDefinedTwice_PointsAtSecondHeaderKey()
    {
        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse("[a.b]\nx = 1\n[a]\n[ a . b ]\n"));

        Assert.Equal("4:7: cannot define table \"a.b\": it is already defined as a table by the [header] at 1:4", e.Message);
    }

    [Fact]
    public void Parse_DottedKeyIntoHeaderTable_IsRejectedWithBothPositions()
    {
        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse("[a.b]\n[a]\nb.c = 1\n"));

        Assert.Equal("3:1: cannot set key \"b.c\": \"b\" is already defined as a table by the [header] at 1:4", e.Message);
    }

    [Fact]
    public void Parse_TableImpliedByHeaderThenFilledByDottedKeys_CannotBeDefinedByAHeaderLater()
    {
        TomlTable a = (TomlTable)TomlDocument.Parse("[a.b.c]\n[a]\nb.d = 1\n").Root["a"];
        Assert.Equal(["c", "d"], ((TomlTable)a["b"]).Entries.Select(e => e.Key));

        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse("[a.b.c]\n[a]\nb.d = 1\n[a.b]\n"));
        Assert.Equal("4:4: cannot define table \"a.b\": it is already defined as a table by the dotted key at 3:1", e.Message);
    }

    [Fact]
    public void Parse_InvalidEscape_ColumnCountsCharactersNotUtf16Units()
    {
        // 'é' is one char, the emoji two UTF-16 units: both one column each.
        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse("name = \"h\u00e9llo\U0001F600\\q\""));

        Assert.Equal(1, e.Line);
        Assert.Equal(15, e.Column);
        Assert.StartsWith("invalid escape sequence: '\\' followed by 'q'", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseUtf8_InvalidByte_ReportsLineAndColumnOfTheByte()
    {
        byte[] bytes = [.. "a = 1\n# caf"u8, 0xC3, 0x28, .. "\n"u8];

        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.ParseUtf8(bytes, "bad.toml"));

        Assert.Equal("bad.toml:2:6: invalid UTF-8: byte 0xC3 does not begin a valid sequence (TOML files must be UTF-8)", e.Message);
    }

    [Fact]
    public void Parse_LoneSurrogate_IsRejectedAtItsPosition()
    {
        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse("a = 1\nb = \"x\uD800\""));

        Assert.Equal("2:7: invalid text: lone surrogate U+D800", e.Message);
    }

    [Fact]
    public void Parse_UnterminatedMultiLineString_ReportsEndOfFileAndWhereItOpened()
    {
        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse("a = 1\ntext = \"\"\"\nline one\nline two"));

        Assert.Equal("4:9: unterminated multi-line string opened at 2:8: expected '\"\"\"' before end of file", e.Message);
    }

    [Fact]
    public void Parse_BareCarriageReturn_IsRejected()
    {
        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse("a = 1\rb = 2\r\n"));

        Assert.Equal("1:6: a carriage return must be followed by a line feed", e.Message);
    }

    [Fact]
    public void Parse_TrailingCommaInInlineTable_IsRejected()
    {
        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse("t = { a = 1, }"));

        Assert.Equal("1:14: expected a key after ',' in inline table, found '}' (TOML 1.0 allows no trailing comma)", e.Message);
    }

    [Fact]
    public void Parse_IntegerOverflow_IsRejected()
    {
        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse("n = 9_223_372_036_854_775_808"));

        Assert.StartsWith("1:5: integer \"9_223_372_036_854_775_808\" does not fit in 64 bits", e.Message, StringComparison.Ordinal);
        Assert.Equal(long.MinValue, ((TomlValue)TomlDocument.Parse("n = -9223372036854775808").Root["n"]).GetInteger());
        Assert.Equal(long.MaxValue, ((TomlValue)TomlDocument.Parse("n = 0x7fff_ffff_ffff_ffff").Root["n"]).GetInteger());
        Assert.Throws<TomlException>(() => TomlDocument.Parse("n = 0x8000000000000000"));
    }

    [Theory]
    [InlineData("d = 1987-07-05T17:45:60Z", "1:22: second 60 (a leap second) is not supported")]
    [InlineData("d = 1987-07-05T17:45:00+14:01", "1:24: UTC offset +14:01 is not supported: offsets run from -14:00 to +14:00")]
    [InlineData("d = 0000-01-01", "1:5: year 0000 is not supported: years run from 0001 to 9999")]
    [InlineData("d = 0001-01-01T00:00:00+01:00", "1:5: date-time is outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z once its offset is applied")]
    [InlineData("f = 1e400", "1:5: invalid number \"1e400\": the magnitude is too large for a 64-bit float")]
    public void Parse_ValuesDotNetCannotHold_AreRejectedWithAReason(string text, string message)
    {
        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse(text));

        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData(TomlDocument.MaxNestingDepth, true)]
    [InlineData(TomlDocument.MaxNestingDepth + 1, false)]
    public void Parse_NestedArrays_AcceptedUpToTheLimit(int depth, bool accepted)
    {
        string text = "a = " + new string('[', depth) + new string(']', depth);

        if (accepted)
        {
            Assert.IsType<TomlArray>(TomlDocument.Parse(text).Root["a"]);
        }
        else
        {
            TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse(text));
            Assert.Equal($"1:{4 + depth}: tables and arrays nest more than {TomlDocument.MaxNestingDepth} levels deep", e.Message);
        }
    }

    [Theory]
    [InlineData("a = ", "[", "")]
    [InlineData("a = ", "{b=", "")]
    [InlineData("", "a.", "x = 1")]
    [InlineData("[", "a.", "x]")]
    public void Parse_HostileNesting_EndsInTomlExceptionNotStackOverflow(string prefix, string repeated, string suffix)
    {
        var text = new StringBuilder(prefix);
        for (int i = 0; i < 100_000; i++)
        {
            text.Append(repeated);
        }

        text.Append(suffix);

        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse(text.ToString()));
        Assert.Contains("nest more than", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeeplyNestedArraysOfTables_EndInTomlException()
    {
        // [[a]] then [[a.a]] then [[a.a.a]]...: each level is an array and its element table.
        var text = new StringBuilder();
        for (int level = 1; level <= TomlDocument.MaxNestingDepth; level++)
        {
            text.Append("[[").AppendJoin('.', Enumerable.Repeat("a", level)).Append("]]\n");
        }

        TomlException e = Assert.Throws<TomlException>(() => TomlDocument.Parse(text.ToString()));
        Assert.Equal(TomlDocument.MaxNestingDepth / 2 + 1, e.Line);
        Assert.Contains("nest more than", e.Reason, StringComparison.Ordinal);
    }
}
