namespace Engine.Http.Logging;

/// <summary>The line layouts the access log writes (<c>AccessLogConfig.Format</c>).</summary>
public enum AccessLogFormat
{
    /// <summary>JSON lines: one object per request, keys in a fixed order.</summary>
    Json,

    /// <summary>NCSA common log format, as Apache's and nginx's "common".</summary>
    Common,
}

/// <summary>Config names of <see cref="AccessLogFormat"/>.</summary>
public static class AccessLogFormats
{
    /// <summary>"json" or "common", any case, as <c>GatewayConfigValidator</c> accepts them.</summary>
    public static bool TryParse(string? name, out AccessLogFormat format)
    {
        if (string.Equals(name, "json", StringComparison.OrdinalIgnoreCase))
        {
            format = AccessLogFormat.Json;
            return true;
        }
        if (string.Equals(name, "common", StringComparison.OrdinalIgnoreCase))
        {
            format = AccessLogFormat.Common;
            return true;
        }
        format = default;
        return false;
    }
}
