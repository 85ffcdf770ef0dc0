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

    /// <summary>
    /// Tokens of the target's grammar that the mutator inserts and repeats; empty means the
    /// mutator's own HTTP/1.1 tokens. The HTTP targets keep the default, so their runs stay
    /// what they were before other grammars were added.
    /// </summary>
    IReadOnlyList<byte[]> Tokens => [];

    void Run(ReadOnlySpan<byte> input);
}
