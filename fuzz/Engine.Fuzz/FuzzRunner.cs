using System.Diagnostics;
using System.Security.Cryptography;
using Engine.Http.Http1;

namespace Engine.Fuzz;

/// <summary>A finding: the target, the input, and what went wrong.</summary>
public sealed record FuzzFinding(string Target, byte[] Input, string Problem, string? SavedTo);

/// <summary>Options of one fuzzing run.</summary>
public sealed record FuzzOptions
{
    public int Seed { get; init; } = 1;

    /// <summary>Inputs to run in total, shared round-robin between the targets.</summary>
    public long Iterations { get; init; } = 100_000;

    /// <summary>Stop after this long even when iterations remain.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>An input that runs longer than this is a finding (a hang).</summary>
    public TimeSpan HangLimit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where crashers go (one folder per target); null keeps them in memory only.</summary>
    public string? CrasherDirectory { get; init; }

    /// <summary>Stop at the first finding.</summary>
    public bool StopOnFinding { get; init; }
}

/// <summary>The outcome of a run.</summary>
public sealed record FuzzReport(long Inputs, TimeSpan Elapsed, IReadOnlyList<FuzzFinding> Findings);

/// <summary>
/// Runs the mutation loop: pick a corpus entry of the target, mutate it, run it, check that only
/// the parser's own rejection escaped (<see cref="HttpParseException"/>, TomlException,
/// RuleSyntaxException: the targets catch it) and that no invariant broke, and time it. Inputs the parser accepts whole join the corpus, so mutations go deeper than the
/// seeds. Every choice comes from one seeded <see cref="Random"/>: a run is reproducible.
/// </summary>
public static class FuzzRunner
{
    private const int MaxCorpus = 2000;

    /// <summary>Every target, in the order <c>--target all</c> runs them.</summary>
    public static IReadOnlyList<IFuzzTarget> AllTargets() => [.. HttpTargets(), .. ConfigTargets(), .. StreamTargets()];

    /// <summary>The HTTP/1.1 wire parsers: request head, response head, chunked body.</summary>
    public static IReadOnlyList<IFuzzTarget> HttpTargets() =>
        [new Http1.RequestHeadTarget(), new Http1.ResponseHeadTarget(), new Http1.ChunkedBodyTarget()];

    /// <summary>
    /// The proxy end to end: pipelined requests and bodies on one in-memory connection, checked
    /// against what the origin must receive. Slower per input (a real origin on loopback).
    /// </summary>
    public static IReadOnlyList<IFuzzTarget> StreamTargets() => [new Stream.PipelinedStreamTarget()];

    /// <summary>The configuration parsers: TOML documents and router rules.</summary>
    public static IReadOnlyList<IFuzzTarget> ConfigTargets() =>
        [new Toml.TomlDocumentTarget(), new Routing.RuleParserTarget()];

    public static FuzzReport Run(IReadOnlyList<IFuzzTarget> targets, FuzzOptions options, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(options);
        var random = new Random(options.Seed);
        var mutator = new Mutator(random);
        var corpora = targets.Select(t => t.Seeds.ToList()).ToArray();
        var tokens = targets.Select(t => t.Tokens).ToArray();
        var findings = new List<FuzzFinding>();
        var clock = Stopwatch.StartNew();
        var perInput = new Stopwatch();
        long inputs = 0;
        var watchdog = new Watchdog(options);
        using var timer = new Timer(static state => ((Watchdog)state!).Check(), watchdog, 250, 250);

        for (; inputs < options.Iterations; inputs++)
        {
            if (options.TimeLimit is { } limit && clock.Elapsed > limit)
            {
                break;
            }
            int index = (int)(inputs % targets.Count);
            IFuzzTarget target = targets[index];
            List<byte[]> corpus = corpora[index];
            byte[] input = mutator.Mutate(corpus[random.Next(corpus.Count)], corpus, tokens[index]);

            perInput.Restart();
            watchdog.Enter(target.Name, input);
            string? problem = RunOne(target, input);
            watchdog.Leave();
            perInput.Stop();
            if (problem is null && perInput.Elapsed > options.HangLimit)
            {
                problem = $"Hang: the input took {perInput.Elapsed.TotalMilliseconds:F0} ms (limit {options.HangLimit.TotalMilliseconds:F0} ms).";
            }
            if (problem is not null)
            {
                var finding = new FuzzFinding(target.Name, input, problem, Save(options.CrasherDirectory, target.Name, input));
                findings.Add(finding);
                log?.WriteLine($"[{target.Name}] finding after {inputs + 1} inputs: {problem} ({finding.SavedTo ?? Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 64)))})");
                if (options.StopOnFinding)
                {
                    inputs++;
                    break;
                }
            }
            else if (input.Length <= 4096 && random.Next(8) == 0 && Accepts(target, input))
            {
                if (corpus.Count < MaxCorpus)
                {
                    corpus.Add(input);
                }
                else
                {
                    corpus[random.Next(corpus.Count)] = input;
                }
            }
        }
        return new FuzzReport(inputs, clock.Elapsed, findings);
    }

    /// <summary>Runs one input; null when every invariant held, else what broke.</summary>
    public static string? RunOne(IFuzzTarget target, ReadOnlySpan<byte> input)
    {
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            target.Run(input);
            return null;
        }
        catch (FuzzFindingException e)
        {
            return e.Message;
        }
        catch (Exception e)
        {
            // The targets catch HttpParseException themselves; anything reaching here escaped
            // the parser (or the parser threw its own exception from the wrong place).
            return $"{e.GetType().Name} escaped: {e.Message}\n{e.StackTrace}";
        }
    }

    // Cheap acceptance probe used to grow the corpus with inputs that parse.
    private static bool Accepts(IFuzzTarget target, byte[] input) => target switch
    {
        Http1.RequestHeadTarget => Probe(() => Http1Parser.TryParseRequest(input, new Engine.Http.HttpRequestHead(), HttpParserLimits.Default)),
        Http1.ResponseHeadTarget => Probe(() => Http1Parser.TryParseResponse(input, new Engine.Http.HttpResponseHead(), Engine.Http.HttpMethod.Get, HttpParserLimits.Default)),
        Toml.TomlDocumentTarget => Toml.TomlDocumentTarget.Accepts(input),
        Routing.RuleParserTarget => Routing.RuleParserTarget.Accepts(input),
        _ => Http1.ChunkedOracle.DecodeOneShot(input, HttpParserLimits.Default).Kind == Http1.OutcomeKind.Complete,
    };

    private static bool Probe(Func<bool> parse)
    {
        try
        {
            return parse();
        }
        catch (HttpParseException)
        {
            return false;
        }
    }

    /// <summary>
    /// A loop that never ends cannot be timed on completion: thread A (the timer) sees that
    /// thread B (the runner) has been inside one input for ten hang limits, saves that input and
    /// ends the process, which is the only way to stop a thread stuck in managed code.
    /// </summary>
    private sealed class Watchdog(FuzzOptions options)
    {
        private readonly Lock _gate = new();
        private string? _target;
        private byte[]? _input;
        private long _enteredAt;

        public void Enter(string target, byte[] input)
        {
            lock (_gate)
            {
                _target = target;
                _input = input;
                _enteredAt = Stopwatch.GetTimestamp();
            }
        }

        public void Leave()
        {
            lock (_gate)
            {
                _input = null;
            }
        }

        public void Check()
        {
            lock (_gate)
            {
                if (_input is null || Stopwatch.GetElapsedTime(_enteredAt) < options.HangLimit * 10)
                {
                    return;
                }
                string? path = Save(options.CrasherDirectory, _target!, _input);
                Console.Error.WriteLine($"[{_target}] stuck input (over {(options.HangLimit * 10).TotalSeconds:F0} s): {path ?? Convert.ToHexString(_input)}");
                Environment.Exit(3);
            }
        }
    }

    private static string? Save(string? directory, string target, byte[] input)
    {
        if (directory is null)
        {
            return null;
        }
        string folder = Path.Combine(directory, target);
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, Convert.ToHexStringLower(SHA256.HashData(input), 0, 8) + ".bin");
        File.WriteAllBytes(path, input);
        return path;
    }
}
