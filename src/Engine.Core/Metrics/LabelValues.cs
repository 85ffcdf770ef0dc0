namespace Engine.Core.Metrics;

/// <summary>Label values derived from enum names, one spelling for the exporter and the log lines that point at its series.</summary>
public static class LabelValues
{
    /// <summary>
    /// PascalCase to snake_case, as Prometheus label values are conventionally written:
    /// <c>ConnectRefused</c> -> <c>connect_refused</c>, <c>HTTPVersion</c> -> <c>http_version</c>.
    /// </summary>
    public static string FromPascalCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsAsciiLetterUpper(c))
            {
                bool afterLowerOrDigit = i > 0 && (char.IsAsciiLetterLower(name[i - 1]) || char.IsAsciiDigit(name[i - 1]));
                bool endsAcronym = i > 0 && char.IsAsciiLetterUpper(name[i - 1]) && i + 1 < name.Length && char.IsAsciiLetterLower(name[i + 1]);
                if (afterLowerOrDigit || endsAcronym)
                {
                    builder.Append('_');
                }
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
