namespace Currant;

/// <summary>
/// Replayed workflow code made a different call than its history recorded. The workflow is parked (not failed, not
/// lost) and resumes when a worker with fixed code starts, or on <c>currant retry</c>.
/// </summary>
public sealed class NondeterminismException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NondeterminismException(string message) : base(message)
    {
    }
}
