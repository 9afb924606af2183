namespace Currant.Persistence;

/// <summary>What happened to a signal sent to an execution.</summary>
internal enum SignalOutcome
{
    Stored,
    NotFound,
    NotAWorkflow,
    Finished,
}
