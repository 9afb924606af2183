namespace Currant;

/// <summary>
/// Thrown to the caller of an update that its validator rejected (or that names no [Update] of the workflow).
/// A rejected update left no trace in the workflow's history.
/// </summary>
public sealed class UpdateRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UpdateRejectedException(Guid workflowId, string name, ExecutionError error)
        : base($"Update '{name}' of workflow {workflowId} was rejected: {error.Message}")
    {
        WorkflowId = workflowId;
        Name = name;
        Error = error;
    }

    /// <summary>The workflow the update was sent to.</summary>
    public Guid WorkflowId { get; }

    /// <summary>The update's name.</summary>
    public string Name { get; }

    /// <summary>The validator's exception: its type and message.</summary>
    public ExecutionError Error { get; }
}
