namespace Currant.Persistence;

/// <summary>How an activation's commit ended.</summary>
internal enum ActivationOutcome
{
    /// <summary>Written; the workflow is in the state asked for.</summary>
    Committed,

    /// <summary>Written, but the workflow was woken meanwhile and is pending again.</summary>
    CommittedAndWoken,

    /// <summary>Nothing written: another outcome got there first (a timeout beat a signal); replay.</summary>
    Conflict,

    /// <summary>Nothing written: this worker no longer holds the workflow.</summary>
    Fenced,

    /// <summary>Nothing written: the workflow was cancelled while it ran.</summary>
    Cancelled,
}
