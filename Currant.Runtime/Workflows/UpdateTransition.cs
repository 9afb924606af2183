namespace Currant.Workflows;

/// <summary>
/// An update moving forward, written with the activation: accepted (at history step <see cref="Seq"/>), rejected by
/// its validator, or completed / failed by its handler. See db/0007 for the states.
/// </summary>
internal sealed record UpdateTransition(string UpdateId, string State, int? Seq, string? Result, string? Error)
{
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string Completed = "completed";
    public const string Failed = "failed";
}
