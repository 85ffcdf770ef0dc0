namespace Engine.Fuzz;

/// <summary>
/// One parser under fuzzing. <see cref="Run"/> feeds it one input; the only exception allowed to
/// escape is the parser's own rejection, which the target catches itself. Any other exception,
/// a hang or an out-of-range read is a finding.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>Name used on the command line (--target NAME) and for the crasher folder.</summary>
    string Name { get; }

    /// <summary>Valid inputs the mutator starts from.</summary>
    IEnumerable<byte[]> Seeds { get; }

    void Run(ReadOnlySpan<byte> input);
}
