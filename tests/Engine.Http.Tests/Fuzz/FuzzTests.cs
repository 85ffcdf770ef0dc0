using Engine.Fuzz;
using Xunit.Abstractions;

namespace Engine.Http.Tests.Fuzz;

public class FuzzTests(ITestOutputHelper output)
{
    /// <summary>Fixed so a failure here reproduces with <c>Engine.Fuzz --seed 20251122</c>.</summary>
    private const int Seed = 20251122;

    [Fact]
    public void FuzzRunner_200000InputsWithFixedSeed_FindsNothing()
    {
        var options = new FuzzOptions { Seed = Seed, Iterations = 200_000, CrasherDirectory = null, HangLimit = TimeSpan.FromSeconds(5) };

        FuzzReport report = FuzzRunner.Run(FuzzRunner.HttpTargets(), options);

        output.WriteLine($"{report.Inputs} inputs in {report.Elapsed.TotalSeconds:F1} s, {report.Findings.Count} findings");
        Assert.Equal(200_000, report.Inputs);
        Assert.True(report.Findings.Count == 0, string.Join("\n", report.Findings.Take(5).Select(f =>
            $"[{f.Target}] {f.Problem}\n  input: {Convert.ToHexString(f.Input.AsSpan(0, Math.Min(f.Input.Length, 256)))}")));
    }

    /// <summary>
    /// Pipelined requests and bodies through the whole proxy, against the model of what the
    /// origin must receive; 5,000 inputs take a few seconds (the fuzzer's
    /// <c>--target http1-stream</c> runs as many as asked).
    /// </summary>
    [Fact]
    public void StreamTarget_5000PipelinedProgramsWithFixedSeed_ReachTheOriginExactlyAsSent()
    {
        var options = new FuzzOptions { Seed = Seed, Iterations = 5_000, CrasherDirectory = null, HangLimit = TimeSpan.FromSeconds(10) };

        FuzzReport report = FuzzRunner.Run(FuzzRunner.StreamTargets(), options);

        output.WriteLine($"{report.Inputs} programs in {report.Elapsed.TotalSeconds:F1} s, {report.Findings.Count} findings");
        Assert.Equal(5_000, report.Inputs);
        Assert.True(report.Findings.Count == 0, string.Join("\n", report.Findings.Take(5).Select(f =>
            $"[{f.Target}] {f.Problem}\n  input: {Convert.ToHexString(f.Input.AsSpan(0, Math.Min(f.Input.Length, 256)))}")));
    }

    [Fact]
    public void Crashers_EveryRecordedFinding_NowPasses()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "crashers");
        string[] files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.bin", SearchOption.AllDirectories) : [];
        Assert.NotEmpty(files);
        var targets = FuzzRunner.AllTargets().ToDictionary(t => t.Name, StringComparer.Ordinal);

        var failures = new List<string>();
        foreach (string file in files)
        {
            string targetName = Path.GetFileName(Path.GetDirectoryName(file))!;
            Assert.True(targets.TryGetValue(targetName, out IFuzzTarget? target), $"{file}: its folder names no target");
            if (FuzzRunner.RunOne(target, File.ReadAllBytes(file)) is { } problem)
            {
                failures.Add($"{file}: {problem}");
            }
        }

        output.WriteLine($"{files.Length} crashers replayed");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void FuzzRunner_SameSeed_RunsTheSameInputs()
    {
        var options = new FuzzOptions { Seed = 7, Iterations = 300, CrasherDirectory = null };
        var first = new RecordingTarget();
        var second = new RecordingTarget();

        FuzzRunner.Run([first], options);
        FuzzRunner.Run([second], options);

        Assert.Equal(300, first.Inputs.Count);
        Assert.Equal(first.Inputs, second.Inputs);
        Assert.Contains(first.Inputs, input => input != Convert.ToHexString("GET / HTTP/1.1\r\n\r\n"u8));
    }

    [Fact]
    public void FuzzRunner_TargetThatBreaksAnInvariant_IsReportedAndSaved()
    {
        string folder = Path.Combine(Path.GetTempPath(), "engine-fuzz-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new FuzzOptions { Seed = 1, Iterations = 50, CrasherDirectory = folder, StopOnFinding = true };

            FuzzReport report = FuzzRunner.Run([new FailingTarget()], options);

            FuzzFinding finding = Assert.Single(report.Findings);
            Assert.Contains("IndexOutOfRangeException escaped", finding.Problem, StringComparison.Ordinal);
            Assert.True(File.Exists(finding.SavedTo));
            Assert.Equal(finding.Input, File.ReadAllBytes(finding.SavedTo!));
            Assert.Equal(Path.Combine(folder, "failing"), Path.GetDirectoryName(finding.SavedTo));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private sealed class RecordingTarget : IFuzzTarget
    {
        public List<string> Inputs { get; } = [];

        public string Name => "recording";

        public IEnumerable<byte[]> Seeds => ["GET / HTTP/1.1\r\n\r\n"u8.ToArray()];

        public void Run(ReadOnlySpan<byte> input) => Inputs.Add(Convert.ToHexString(input));
    }

    private sealed class FailingTarget : IFuzzTarget
    {
        public string Name => "failing";

        public IEnumerable<byte[]> Seeds => ["abc"u8.ToArray()];

        public void Run(ReadOnlySpan<byte> input) => throw new IndexOutOfRangeException("simulated parser bug");
    }
}
