namespace Currant;

/// <summary>
/// Workflow code blocked its thread without yielding (<c>Thread.Sleep</c>, <c>.Result</c>, <c>.Wait()</c>, a
/// busy loop). The workflow is parked with this error; use <c>await</c> and <c>Workflow.Sleep</c> instead.
/// </summary>
public sealed class WorkflowBlockedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowBlockedException(string message) : base(message)
    {
    }
}
