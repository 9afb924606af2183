namespace Currant;

/// <summary>What an execution is. Persisted as lower-case text.</summary>
public enum ExecutionKind
{
    /// <summary>A background job queued with <c>Queue(...)</c>.</summary>
    Job,

    /// <summary>A workflow step run with <c>Run(...)</c>.</summary>
    Activity,

    /// <summary>A durable, replayed workflow.</summary>
    Workflow,

    /// <summary>A durable timer created by <c>Workflow.Sleep</c>.</summary>
    Timer,
}
