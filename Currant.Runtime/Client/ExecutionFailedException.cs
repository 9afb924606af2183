namespace Currant;

/// <summary>Thrown by <c>GetResultAsync</c> when the execution failed for good; carries the remote error.</summary>
public sealed class ExecutionFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExecutionFailedException(Guid executionId, string name, ExecutionError error)
        : base($"{name} ({executionId}) failed: {error.Type}: {error.Message}")
    {
        ExecutionId = executionId;
        Name = name;
        Error = error;
    }

    /// <summary>The failed execution.</summary>
    public Guid ExecutionId { get; }

    /// <summary>Its persisted name.</summary>
    public string Name { get; }

    /// <summary>The remote exception's type, message and stack trace.</summary>
    public ExecutionError Error { get; }

    /// <summary>The remote stack trace.</summary>
    public string? RemoteStackTrace => Error.StackTrace;
}
