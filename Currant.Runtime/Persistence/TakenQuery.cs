namespace Currant.Persistence;

/// <summary>A query a worker took: the question, and the workflow it is about.</summary>
internal sealed record TakenQuery(Guid WorkflowId, string Name, string? Args, string WorkflowName, string WorkflowArgs, string Queue, string WorkflowState);
