using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Engine.Host.Configuration;

/// <summary>
/// <c>${NAME}</c> and <c>${NAME:-default}</c> in config string values, as Docker Compose and the
/// POSIX shell write them: the default applies when the variable is unset or empty, a variable
/// set to "" without a default is "", an unset one without a default is an error, and
/// <c>$${</c> is a literal <c>${</c>. Anything else with a <c>$</c> is left as written, so a
/// regular expression ending in <c>$</c> needs no escaping.
/// </summary>
public static class EnvironmentSubstitution
{
    /// <summary>True when <paramref name="text"/> has anything to substitute or unescape.</summary>
    public static bool HasReferences(string text) => text.Contains("${", StringComparison.Ordinal);

    public static bool TrySubstitute(string text, Func<string, string?> environment, [NotNullWhen(true)] out string? result, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(environment);
        if (!HasReferences(text))
        {
            result = text;
            error = null;
            return true;
        }

        var output = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            int dollar = text.IndexOf('$', i);
            if (dollar < 0)
            {
                output.Append(text, i, text.Length - i);
                break;
            }

            output.Append(text, i, dollar - i);
            if (text.AsSpan(dollar).StartsWith("$${", StringComparison.Ordinal))
            {
                output.Append("${");
                i = dollar + 3;
                continue;
            }

            if (!text.AsSpan(dollar).StartsWith("${", StringComparison.Ordinal))
            {
                output.Append('$');
                i = dollar + 1;
                continue;
            }

            int close = text.IndexOf('}', dollar + 2);
            if (close < 0)
            {
                result = null;
                error = $"'${{' at character {dollar + 1} has no closing '}}'; write '$${{' for a literal '${{'";
                return false;
            }

            ReadOnlySpan<char> body = text.AsSpan(dollar + 2, close - dollar - 2);
            int separator = body.IndexOf(":-", StringComparison.Ordinal);
            string name = (separator < 0 ? body : body[..separator]).ToString();
            if (!IsVariableName(name))
            {
                result = null;
                error = $"'${{{body}}}' does not name an environment variable; names are letters, digits and '_', not starting with a digit";
                return false;
            }

            string? value = environment(name);
            if (value is null && separator < 0)
            {
                result = null;
                error = $"environment variable {name} is not set; set it, or give a default as ${{{name}:-default}}";
                return false;
            }

            if (string.IsNullOrEmpty(value) && separator >= 0)
            {
                value = body[(separator + 2)..].ToString();
            }

            output.Append(value);
            i = close + 1;
        }

        result = output.ToString();
        error = null;
        return true;
    }

    private static bool IsVariableName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
