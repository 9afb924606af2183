namespace Currant;

/// <summary>Thrown by <c>GetResultAsync</c> when the execution was cancelled.</summary>
public sealed class ExecutionCancelledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    public ExecutionCancelledException(Guid executionId, string name)
        : base($"{name} ({executionId}) was cancelled.")
    {
        ExecutionId = executionId;
    }

    /// <summary>The cancelled execution.</summary>
    public Guid ExecutionId { get; }
}
