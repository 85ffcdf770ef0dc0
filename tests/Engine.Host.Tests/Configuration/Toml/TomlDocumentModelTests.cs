using System.Text;
using Engine.Host.Configuration.Toml;

namespace Engine.Host.Tests.Configuration.Toml;

public sealed class TomlDocumentModelTests
{
    [Fact]
    public void Table_KeepsKeysInDocumentOrder()
    {
        TomlTable root = TomlDocument.Parse("zeta = 1\nalpha = 2\n[mid]\n[beta]\n").Root;

        Assert.Equal(["zeta", "alpha", "mid", "beta"], root.Entries.Select(e => e.Key));
        var keys = new List<string>();
        foreach (TomlKeyValue entry in root)
        {
            keys.Add(entry.Key);
        }

        Assert.Equal(["zeta", "alpha", "mid", "beta"], keys);
    }

    [Fact]
    public void KeysAndValues_CarryTheirPositions()
    {
        TomlDocument document = TomlDocument.Parse("# config\n  name   = \"edge\"\nports = [ 80,\n  443 ]\n", "gateway.toml");

        Assert.True(document.Root.TryGetEntry("name", out TomlKeyValue name));
        Assert.Equal(new TomlPosition("gateway.toml", 2, 3), name.KeyPosition);
        Assert.Equal(new TomlPosition("gateway.toml", 2, 12), name.Value.Position);
        Assert.Equal("gateway.toml:2:12", name.Value.Position.ToString());

        var ports = (TomlArray)document.Root["ports"];
        Assert.Equal(new TomlPosition("gateway.toml", 3, 9), ports.Position);
        Assert.Equal(new TomlPosition("gateway.toml", 3, 11), ports[0].Position);
        Assert.Equal(new TomlPosition("gateway.toml", 4, 3), ports[1].Position);
        Assert.Equal("gateway.toml", document.FileName);
    }

    [Fact]
    public void HeaderTables_ArePositionedAtTheirHeader()
    {
        TomlTable root = TomlDocument.Parse("[a.b]\nx = 1\n\n[a]\ny = 2\n").Root;

        // "a" was first implied by [a.b]; its own header defines it, so key and table point there.
        Assert.True(root.TryGetEntry("a", out TomlKeyValue a));
        Assert.Equal((4, 2), (a.KeyPosition.Line, a.KeyPosition.Column));
        Assert.Equal((4, 1), (a.Value.Position.Line, a.Value.Position.Column));

        Assert.True(((TomlTable)a.Value).TryGetEntry("b", out TomlKeyValue b));
        Assert.Equal((1, 4), (b.KeyPosition.Line, b.KeyPosition.Column));
        Assert.Equal((1, 1), (b.Value.Position.Line, b.Value.Position.Column));
        Assert.Equal(["b", "y"], ((TomlTable)a.Value).Entries.Select(e => e.Key));
    }

    [Fact]
    public void DottedKeys_CreateTablesPositionedAtTheirKeyParts()
    {
        TomlTable root = TomlDocument.Parse("site . \"google.com\" = true\nsite.other = 1\n").Root;

        var site = (TomlTable)root["site"];
        Assert.Equal((1, 1), (site.Position.Line, site.Position.Column));
        Assert.True(site.TryGetEntry("google.com", out TomlKeyValue google));
        Assert.Equal((1, 8), (google.KeyPosition.Line, google.KeyPosition.Column));
        Assert.True(((TomlValue)google.Value).GetBoolean());
        Assert.Equal(2, site.Count);
        Assert.False(site.IsInline);
    }

    [Fact]
    public void ArrayOfTables_HasOneElementPerHeader()
    {
        TomlTable root = TomlDocument.Parse("[[route]]\nname = \"a\"\n\n[[route]]\nname = \"b\"\n[route.tls]\n").Root;

        var routes = (TomlArray)root["route"];
        Assert.True(routes.IsArrayOfTables);
        Assert.Equal(2, routes.Count);
        Assert.Equal(4, routes[1].Position.Line);
        Assert.Equal("b", ((TomlValue)((TomlTable)routes[1])["name"]).GetString());
        Assert.True(((TomlTable)routes[1]).ContainsKey("tls"));
        Assert.False(((TomlTable)routes[0]).ContainsKey("tls"));
    }

    [Fact]
    public void StaticArrays_MayMixKinds()
    {
        var array = (TomlArray)TomlDocument.Parse("a = [ 1, 'two', [3.0], { four = 4 }, ]").Root["a"];

        Assert.False(array.IsArrayOfTables);
        Assert.Equal([TomlKind.Integer, TomlKind.String, TomlKind.Array, TomlKind.Table], array.Select(n => n.Kind));
        Assert.True(((TomlTable)array[3]).IsInline);
    }

    [Fact]
    public void Scalars_HaveTheirKindsAndValues()
    {
        TomlTable root = TomlDocument.Parse(
            "s = \"tab\\there \\u00e9\"\n" +
            "i = 0xDEAD_beef\n" +
            "f = -0.0\n" +
            "inf = -inf\n" +
            "nan = nan\n" +
            "b = false\n" +
            "odt = 1979-05-27 07:32:00.123456789-07:00\n" +
            "ldt = 1979-05-27T07:32:00\n" +
            "ld = 1979-05-27\n" +
            "lt = 00:32:00.5\n").Root;

        Assert.Equal("tab\there \u00e9", Scalar(root, "s", TomlKind.String).GetString());
        Assert.Equal(0xDEADBEEF, Scalar(root, "i", TomlKind.Integer).GetInteger());
        Assert.True(double.IsNegative(Scalar(root, "f", TomlKind.Float).GetFloat()));
        Assert.Equal(double.NegativeInfinity, Scalar(root, "inf", TomlKind.Float).GetFloat());
        Assert.True(double.IsNaN(Scalar(root, "nan", TomlKind.Float).GetFloat()));
        Assert.False(Scalar(root, "b", TomlKind.Boolean).GetBoolean());

        // Fractions beyond 100 ns are truncated, not rounded; the source text keeps them.
        TomlValue odt = Scalar(root, "odt", TomlKind.OffsetDateTime);
        Assert.Equal(new DateTimeOffset(1979, 5, 27, 7, 32, 0, TimeSpan.FromHours(-7)).AddTicks(1_234_567), odt.GetOffsetDateTime());
        Assert.Equal("1979-05-27 07:32:00.123456789-07:00", odt.SourceText);

        DateTime ldt = Scalar(root, "ldt", TomlKind.LocalDateTime).GetLocalDateTime();
        Assert.Equal((new DateTime(1979, 5, 27, 7, 32, 0), DateTimeKind.Unspecified), (ldt, ldt.Kind));
        Assert.Equal(new DateOnly(1979, 5, 27), Scalar(root, "ld", TomlKind.LocalDate).GetLocalDate());
        Assert.Equal(new TimeOnly(0, 32, 0, 500), Scalar(root, "lt", TomlKind.LocalTime).GetLocalTime());
        Assert.Null(Scalar(root, "i", TomlKind.Integer).SourceText);
    }

    [Fact]
    public void MultiLineStrings_TrimFirstNewlineAndLineEndingBackslashes_AndNormalizeCrLf()
    {
        TomlTable root = TomlDocument.Parse("a = \"\"\"\r\none\r\ntwo \\\r\n   \r\n  three\"\"\"\r\nb = '''\nx\\y\r\n'''").Root;

        Assert.Equal("one\ntwo three", ((TomlValue)root["a"]).GetString());
        Assert.Equal("x\\y\n", ((TomlValue)root["b"]).GetString());
    }

    [Fact]
    public void ByteOrderMark_IsSkippedAndTakesNoColumn()
    {
        TomlDocument document = TomlDocument.ParseUtf8([0xEF, 0xBB, 0xBF, .. "key = 1"u8]);

        Assert.True(document.Root.TryGetEntry("key", out TomlKeyValue entry));
        Assert.Equal(1, entry.KeyPosition.Column);
        Assert.Equal(7, entry.Value.Position.Column);
    }

    [Fact]
    public void WrongKindGetter_ThrowsInvalidOperationWithPosition()
    {
        var value = (TomlValue)TomlDocument.Parse("port = \"80\"", "g.toml").Root["port"];

        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => value.GetInteger());
        Assert.Equal("The TOML value at g.toml:1:8 is a string, not an integer.", e.Message);
    }

    [Fact]
    public void Lookup_MissingKey()
    {
        TomlTable root = TomlDocument.Parse("a = 1").Root;

        Assert.False(root.TryGetValue("b", out TomlNode? missing));
        Assert.Null(missing);
        Assert.False(root.TryGetEntry("b", out _));
        Assert.Throws<KeyNotFoundException>(() => root["b"]);
        Assert.True(root.TryGetValue("a", out TomlNode? a));
        Assert.Equal(1, ((TomlValue)a).GetInteger());
    }

    [Fact]
    public void TenThousandTables_AllParsedInOrder()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            text.Append("[service_").Append(i).Append("]\nurl = \"http://10.0.0.1:").Append(i).Append("\"\nweight = ").Append(i).Append("\n\n");
        }

        TomlTable root = TomlDocument.Parse(text.ToString()).Root;

        Assert.Equal(10_000, root.Count);
        TomlKeyValue last = root.Entries[^1];
        Assert.Equal("service_9999", last.Key);
        Assert.Equal(39_997, last.KeyPosition.Line);
        Assert.Equal(9999, ((TomlValue)((TomlTable)last.Value)["weight"]).GetInteger());
    }

    private static TomlValue Scalar(TomlTable table, string key, TomlKind kind)
    {
        var value = Assert.IsType<TomlValue>(table[key]);
        Assert.Equal(kind, value.Kind);
        return value;
    }
}
