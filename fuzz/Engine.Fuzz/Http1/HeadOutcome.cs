using Engine.Http.Http1;

namespace Engine.Fuzz.Http1;

internal enum OutcomeKind : byte
{
    /// <summary>The parser asked for more bytes.</summary>
    Incomplete,
    Complete,
    Rejected,
}

/// <summary>How one parse of a head ended; the head object holds the fields.</summary>
internal readonly record struct HeadOutcome(OutcomeKind Kind, RequestRejectionReason Reason)
{
    public static readonly HeadOutcome Incomplete = new(OutcomeKind.Incomplete, RequestRejectionReason.None);
    public static readonly HeadOutcome Complete = new(OutcomeKind.Complete, RequestRejectionReason.None);

    public override string ToString() => Kind == OutcomeKind.Rejected ? $"Rejected({Reason})" : Kind.ToString();
}
