using System.Text.Json.Nodes;
using Engine.Host.Configuration.Toml;

namespace Engine.Host.Tests.Configuration.Toml;

/// <summary>The conformance comparison must be able to fail: it reports every kind of mismatch.</summary>
public sealed class TomlTestJsonTests
{
    [Theory]
    [InlineData("a = 1", """{"a": {"type": "integer", "value": "1"}}""", null)]
    [InlineData("a = 1", """{"a": {"type": "integer", "value": "2"}}""", "a: expected integer \"2\", got \"1\"")]
    [InlineData("a = 1", """{"a": {"type": "float", "value": "1"}}""", "a: expected type float, got integer 1")]
    [InlineData("a = 1", """{"b": {"type": "integer", "value": "1"}}""", "a: unexpected key")]
    [InlineData("a = 1\nb = 2", """{"a": {"type": "integer", "value": "1"}}""", "b: unexpected key")]
    [InlineData("a = [1]", """{"a": []}""", "a: expected 0 elements, got 1")]
    [InlineData("a = 0.0", """{"a": {"type": "float", "value": "-0.0"}}""", "a: expected float \"-0.0\", got \"0\"")]
    [InlineData("a = nan", """{"a": {"type": "float", "value": "nan"}}""", null)]
    [InlineData("a = 1e2", """{"a": {"type": "float", "value": "100.0"}}""", null)]
    [InlineData("a = 1979-05-27 07:32:00.5+00:00", """{"a": {"type": "datetime", "value": "1979-05-27T07:32:00.500Z"}}""", null)]
    [InlineData("a = 1979-05-27T07:32:00Z", """{"a": {"type": "datetime", "value": "1979-05-27T07:32:01Z"}}""", "a: expected datetime \"1979-05-27T07:32:01Z\", got \"1979-05-27T07:32:00Z\"")]
    [InlineData("[t]", """{"t": {"type": "string", "value": ""}}""", "t: expected string \"\", got a table")]
    public void Compare_ReportsMismatches(string toml, string json, string? difference)
    {
        var differences = new List<string>();

        TomlTestJson.Compare(JsonNode.Parse(json), TomlDocument.Parse(toml).Root, "", differences);

        if (difference is null)
        {
            Assert.Empty(differences);
        }
        else
        {
            Assert.Contains(difference, differences);
        }
    }

    [Fact]
    public void Compare_ReportsMissingKey()
    {
        var differences = new List<string>();

        TomlTestJson.Compare(JsonNode.Parse("""{"a": {}, "b": {}}"""), TomlDocument.Parse("[a]").Root, "", differences);

        Assert.Equal(["b: missing key"], differences);
    }
}
