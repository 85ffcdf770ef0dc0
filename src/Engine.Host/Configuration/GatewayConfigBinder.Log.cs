using Engine.Core.Configuration;

namespace Engine.Host.Configuration;

internal sealed partial class GatewayConfigBinder
{
    private static readonly string[] s_logKeys = ["level", "format", "file"];

    private LogConfig? _log;

    /// <summary>
    /// <c>[log]</c>: the application log. Values are kept as written; the validator judges the
    /// level and format names (any case), so a bad one is reported at its line with a suggestion.
    /// </summary>
    private static LogConfig BindLog(TomlSection s)
    {
        var defaults = new LogConfig();
        return new LogConfig
        {
            Level = s.String("level") ?? defaults.Level,
            Format = s.String("format") ?? defaults.Format,
            File = s.String("file") ?? defaults.File,
        };
    }
}
