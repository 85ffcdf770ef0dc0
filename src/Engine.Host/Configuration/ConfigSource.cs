using Engine.Host.Configuration.Toml;

namespace Engine.Host.Configuration;

/// <summary>One parsed file; <see cref="IsIncluded"/> when a main file's <c>[providers.file]</c> named it.</summary>
internal sealed record ConfigFile(TomlDocument Document, bool IsIncluded);

/// <summary>
/// Finds and parses the files of one configuration: the file given, or every <c>*.toml</c> of the
/// directory given (by name, ordinal), plus what each of those main files includes through
/// <c>[providers.file] directory</c> and <c>filename</c>, relative to that file. Includes do not
/// nest. A file reached twice is read once. Files whose name starts with '.' are skipped: editors
/// keep lock and backup files there (Emacs writes <c>.#name.toml</c>, a dangling symlink).
/// </summary>
internal sealed class ConfigSource(BindingContext context)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>The parsed files, in merge order.</summary>
    public List<ConfigFile> Files { get; } = [];

    /// <summary>Full paths of every file read, parsed or not: a watcher must see a broken file get fixed.</summary>
    public List<string> FilesRead { get; } = [];

    /// <summary>Full paths of the directories whose <c>*.toml</c> files were loaded, without a trailing separator.</summary>
    public List<string> Directories { get; } = [];

    /// <summary>True when some file is not valid TOML: what it defines is then unknown.</summary>
    public bool HasUnreadableFiles { get; private set; }

    public void Read(string path)
    {
        if (System.IO.Directory.Exists(path))
        {
            if (ReadDirectory(path, included: false) == 0)
            {
                context.Report(null, "", $"{path}: the directory has no *.toml files.");
                HasUnreadableFiles = true;
            }
        }
        else if (File.Exists(path))
        {
            ReadFile(path, included: false);
        }
        else
        {
            context.Report(null, "", $"{path}: no such file or directory.");
            HasUnreadableFiles = true;
            return;
        }

        foreach (ConfigFile main in Files.ToArray())
        {
            ReadIncludes(main);
        }
    }

    private int ReadDirectory(string directory, bool included)
    {
        // Without its trailing separator: "conf.d/" as the docs write it must compare equal to
        // what Path.GetDirectoryName gives for a file inside it, or a watcher takes a file added
        // there for a stranger and ignores it.
        Directories.Add(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        string[] files = System.IO.Directory.GetFiles(directory, "*.toml");
        Array.Sort(files, StringComparer.Ordinal);
        int count = 0;
        foreach (string file in files)
        {
            // GetFiles("*.toml") also matches "*.tomlx" on some platforms (8.3 name semantics).
            if (Path.GetExtension(file) == ".toml" && !Path.GetFileName(file).StartsWith('.'))
            {
                ReadFile(file, included);
                count++;
            }
        }

        return count;
    }

    private void ReadFile(string path, bool included)
    {
        if (!_seen.Add(Path.GetFullPath(path)))
        {
            return;
        }

        FilesRead.Add(Path.GetFullPath(path));
        try
        {
            Files.Add(new ConfigFile(TomlDocument.ParseUtf8(File.ReadAllBytes(path), path), included));
        }
        catch (TomlException ex)
        {
            context.Report(ex.Position, "", ex.Reason + ".");
            HasUnreadableFiles = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Report(null, "", $"{path}: cannot read: {FileProblem.Reason(ex, path)}");
            HasUnreadableFiles = true;
        }
    }

    /// <summary>
    /// Follows <c>[providers.file]</c> of a main file. Only paths are read here; the binder reads
    /// the same keys again and reports their type and substitution errors, once.
    /// </summary>
    private void ReadIncludes(ConfigFile main)
    {
        if (!main.Document.Root.TryGetValue("providers", out TomlNode? providers) || providers is not TomlTable providerTable ||
            !providerTable.TryGetValue("file", out TomlNode? file) || file is not TomlTable fileTable)
        {
            return;
        }

        string baseDirectory = Path.GetDirectoryName(main.Document.FileName) ?? "";
        if (IncludePath(fileTable, "directory", baseDirectory) is { } directory)
        {
            if (System.IO.Directory.Exists(directory.Path))
            {
                ReadDirectory(directory.Path, included: true);
            }
            else
            {
                context.Report(directory.Position, "providers.file.directory", $"the directory {directory.Path} does not exist.");
            }
        }

        if (IncludePath(fileTable, "filename", baseDirectory) is { } filename)
        {
            if (File.Exists(filename.Path))
            {
                ReadFile(filename.Path, included: true);
            }
            else
            {
                context.Report(filename.Position, "providers.file.filename", $"the file {filename.Path} does not exist.");
            }
        }
    }

    private (string Path, TomlPosition Position)? IncludePath(TomlTable table, string key, string baseDirectory)
    {
        if (table.TryGetValue(key, out TomlNode? node) && node is TomlValue { Kind: TomlKind.String } value &&
            EnvironmentSubstitution.TrySubstitute(value.GetString(), context.Environment, out string? text, out _) && text.Length > 0)
        {
            return (Path.Combine(baseDirectory, text), value.Position);
        }

        return null;
    }
}
