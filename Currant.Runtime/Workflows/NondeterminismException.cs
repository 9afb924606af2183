using System.Diagnostics;

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

    /// <summary>The step (sequence number) where code and history part; negative for a version marker.</summary>
    internal int? Step { get; init; }

    /// <summary>The call the history recorded at <see cref="Step"/>, e.g. <c>activity 'ChargeCard'</c>.</summary>
    internal string? Expected { get; init; }

    /// <summary>The call the code makes there now, or what it does instead (finishes, supports other versions).</summary>
    internal string? Found { get; init; }

    /// <summary>
    /// The stack of the workflow code at the divergent call, with file and line where symbols exist (the replayer
    /// names the source line from it). Taken only when a workflow is about to be parked, never on the ordinary path.
    /// </summary>
    internal StackTrace? CallSite { get; init; }
}
