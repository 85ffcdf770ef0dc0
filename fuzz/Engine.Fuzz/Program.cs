using System.Globalization;

namespace Engine.Fuzz;

/// <summary>Command line of the mutation fuzzer; <c>--help</c> lists the options.</summary>
internal static class Program
{
    private const string Usage = """
        Engine.Fuzz: mutation fuzzer for the HTTP/1.1 parsers, the TOML parser and the rule parser.

        Usage: dotnet run -c Release --project fuzz/Engine.Fuzz -- [options]

          --target NAME|all     http1-request, http1-response, chunked, toml, rule, http1-stream
                                (pipelined requests through the whole proxy), or all (default all)
          --iterations N        inputs to run in total, shared between targets (default 200000)
          --seed N              seed of every random choice; same seed, same inputs (default 1)
          --time-limit SECONDS  stop after this long even if iterations remain
          --hang-ms N           an input running longer is a finding (default 1000)
          --crashers DIR        where findings are written as <target>/<hash>.bin
                                (default fuzz/crashers beside Engine.sln)
          --replay PATH         run one file or every file under a folder instead of fuzzing;
                                a file's parent folder names its target
          --help                this text

        Exit code: 0 no finding, 1 findings, 2 bad arguments, 3 a stuck input.
        """;

    private static int Main(string[] args)
    {
        string targetName = "all";
        var options = new FuzzOptions { Iterations = 200_000, CrasherDirectory = DefaultCrasherDirectory() };
        string? replay = null;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string arg = args[i];
                switch (arg)
                {
                    case "--help" or "-h":
                        Console.WriteLine(Usage);
                        return 0;
                    case "--target":
                        targetName = Value(args, ref i);
                        break;
                    case "--iterations":
                        options = options with { Iterations = long.Parse(Value(args, ref i), CultureInfo.InvariantCulture) };
                        break;
                    case "--seed":
                        options = options with { Seed = int.Parse(Value(args, ref i), CultureInfo.InvariantCulture) };
                        break;
                    case "--time-limit":
                        options = options with { TimeLimit = TimeSpan.FromSeconds(double.Parse(Value(args, ref i), CultureInfo.InvariantCulture)) };
                        break;
                    case "--hang-ms":
                        options = options with { HangLimit = TimeSpan.FromMilliseconds(double.Parse(Value(args, ref i), CultureInfo.InvariantCulture)) };
                        break;
                    case "--crashers":
                        options = options with { CrasherDirectory = Path.GetFullPath(Value(args, ref i)) };
                        break;
                    case "--replay":
                        replay = Value(args, ref i);
                        break;
                    default:
                        throw new FormatException($"Unknown option '{arg}'.");
                }
            }
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        IReadOnlyList<IFuzzTarget> all = FuzzRunner.AllTargets();
        if (replay is not null)
        {
            return Replay(replay, all);
        }
        IReadOnlyList<IFuzzTarget> targets = targetName == "all" ? all : [.. all.Where(t => t.Name == targetName)];
        if (targets.Count == 0)
        {
            Console.Error.WriteLine($"Unknown target '{targetName}'. Targets: {string.Join(", ", all.Select(t => t.Name))}, all.");
            return 2;
        }

        Console.WriteLine($"Fuzzing {string.Join(", ", targets.Select(t => t.Name))}: seed {options.Seed}, {options.Iterations} inputs, crashers in {options.CrasherDirectory}");
        FuzzReport report = FuzzRunner.Run(targets, options, Console.Out);
        double rate = report.Inputs / Math.Max(report.Elapsed.TotalSeconds, 1e-9);
        Console.WriteLine($"{report.Inputs} inputs in {report.Elapsed.TotalSeconds:F1} s ({rate:F0}/s), {report.Findings.Count} findings.");
        return report.Findings.Count == 0 ? 0 : 1;
    }

    private static int Replay(string path, IReadOnlyList<IFuzzTarget> targets)
    {
        string[] files = Directory.Exists(path) ? Directory.GetFiles(path, "*.bin", SearchOption.AllDirectories) : [path];
        int failures = 0;
        foreach (string file in files)
        {
            string targetName = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file)))!;
            IFuzzTarget? target = targets.FirstOrDefault(t => t.Name == targetName);
            string? problem = target is null
                ? $"no target named '{targetName}' (the folder of a crasher names its target)"
                : FuzzRunner.RunOne(target, File.ReadAllBytes(file));
            Console.WriteLine($"{(problem is null ? "ok  " : "FAIL")} {file}{(problem is null ? "" : ": " + problem)}");
            failures += problem is null ? 0 : 1;
        }
        Console.WriteLine($"{files.Length - failures} passed, {failures} failed");
        return failures == 0 ? 0 : 1;
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new FormatException($"Option '{args[i - 1]}' needs a value.");

    private static string DefaultCrasherDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
            {
                return Path.Combine(dir.FullName, "fuzz", "crashers");
            }
        }
        return Path.GetFullPath("crashers");
    }
}
