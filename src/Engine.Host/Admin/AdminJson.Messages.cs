using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Engine.Host.Admin;

/// <summary>
/// System.Text.Json's messages in the admin API's words. The serializer speaks of .NET types
/// ("could not be mapped to any .NET member contained in type
/// 'Engine.Core.Configuration.GatewayConfig'"); an operator wrote JSON keys and values, so the
/// four messages that name a type are reworded, and every other message (the reader's syntax
/// errors: "',' is an invalid start of a property name. Expected a '"'.") is kept as written.
/// The patterns are the framework's English resource strings; a rewording they miss still
/// reads as the framework's sentence, and tests/Engine.Host.Tests/Aot checks the result.
/// </summary>
public static partial class AdminJson
{
    internal static string Rephrase(string message)
    {
        if (UnmappedProperty().Match(message) is { Success: true } unmapped)
        {
            return $"unknown key '{unmapped.Groups["key"].Value}' in {Section(unmapped.Groups["type"].Value)}.";
        }
        if (UnconvertibleValue().Match(message) is { Success: true } unconvertible)
        {
            return ValueKind(unconvertible.Groups["type"].Value) is { } kind
                ? $"the value is not {kind}."
                : "the value has the wrong type, or is not one of the allowed values.";
        }
        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            return $"{Section(missing.Groups["type"].Value)} is missing the required key {missing.Groups["keys"].Value}.";
        }
        if (NullNotAllowed().Match(message) is { Success: true } nullValue)
        {
            // The serializer names the .NET parameter ("Name"); the sender wrote the JSON key.
            string key = JsonNamingPolicy.SnakeCaseLower.ConvertName(nullValue.Groups["key"].Value);
            return $"'{key}' in {Section(nullValue.Groups["type"].Value)} cannot be null.";
        }
        return message;
    }

    [GeneratedRegex(@"^The JSON property '(?<key>.*)' could not be mapped to any \.NET member contained in type '(?<type>[^']*)'\.")]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex(@"^The JSON value could not be converted to (?<type>\S+)\.")]
    private static partial Regex UnconvertibleValue();

    [GeneratedRegex(@"^JSON deserialization for type '(?<type>[^']*)' was missing required properties including: (?<keys>.*?)\.?$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"^The (?:constructor parameter|property or field) '(?<key>[^']*)' on type '(?<type>[^']*)' doesn't allow (?:setting )?null values")]
    private static partial Regex NullNotAllowed();

    /// <summary>"Engine.Core.Configuration.GatewayConfig" as "the gateway configuration", "...RouterConfig" as "the router section".</summary>
    private static string Section(string typeName)
    {
        string words = Words(ShortName(typeName));
        return words == "gateway" ? "the gateway configuration" : $"the {words} section";
    }

    /// <summary>
    /// What a JSON value must look like to become <paramref name="typeName"/>; null for a record
    /// or an enum, because then the serializer names the object that holds the value (a bad
    /// "weight" names DestinationConfig), not the value's own type.
    /// </summary>
    private static string? ValueKind(string typeName)
    {
        string name = ShortName(typeName);
        if (typeName.StartsWith("System.Nullable`1[", StringComparison.Ordinal))
        {
            return ValueKind(typeName["System.Nullable`1[".Length..^1]) is { } inner ? inner + " or null" : null;
        }
        if (typeName.EndsWith("[]", StringComparison.Ordinal) || name.Contains("List", StringComparison.Ordinal))
        {
            return "a list (a JSON array)";
        }
        return name switch
        {
            "Byte" or "Int16" or "UInt16" or "Int32" or "UInt32" or "Int64" or "UInt64" => "a whole number",
            "Single" or "Double" or "Decimal" => "a number",
            "Boolean" => "true or false",
            "String" => "a string",
            "TimeSpan" => "a duration such as \"30s\"",
            _ => null,
        };
    }

    /// <summary>"Engine.Core.Configuration.HttpLimitsConfig" as "HttpLimits"; generic arguments are dropped.</summary>
    private static string ShortName(string typeName)
    {
        int generic = typeName.IndexOfAny(['`', '[']);
        string plain = generic < 0 ? typeName : typeName[..generic];
        string name = plain[(plain.LastIndexOf('.') + 1)..];
        foreach (string suffix in (ReadOnlySpan<string>)["Json", "Config"])
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal))
            {
                name = name[..^suffix.Length];
            }
        }
        return name;
    }

    /// <summary>"HttpLimits" as "http limits".</summary>
    private static string Words(string pascalCase)
    {
        var words = new StringBuilder(pascalCase.Length + 4);
        foreach (char c in pascalCase)
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ');
            }
            words.Append(char.ToLowerInvariant(c));
        }
        return words.ToString();
    }
}
