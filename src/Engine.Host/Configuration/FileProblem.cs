namespace Engine.Host.Configuration;

/// <summary>
/// Why a file the configuration names could not be opened, as a clause that follows
/// "cannot open the access log '/var/log/engine/access.log': ". The usual two causes are said in
/// our words, with the directory to create or the permission to grant; anything rarer keeps the
/// framework's own sentence (a real sentence since the host no longer strips resource strings).
/// </summary>
internal static class FileProblem
{
    public static string Reason(Exception ex, string path) => ex switch
    {
        DirectoryNotFoundException => $"the directory {DirectoryOf(path)} does not exist",
        FileNotFoundException => "the file does not exist",
        UnauthorizedAccessException => $"permission denied (the engine's user needs write access to {DirectoryOf(path)} or the file)",
        _ => ex.Message.TrimEnd('.'),
    };

    private static string DirectoryOf(string path) => Path.GetDirectoryName(Path.GetFullPath(path)) is { Length: > 0 } directory ? directory : ".";
}
