namespace Engine.Fuzz;

/// <summary>An invariant a fuzz target checks did not hold for the current input.</summary>
public sealed class FuzzFindingException : Exception
{
    public FuzzFindingException()
    {
    }

    public FuzzFindingException(string message) : base(message)
    {
    }

    public FuzzFindingException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
