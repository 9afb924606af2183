namespace Currant.Workflows;

/// <summary>A signal workflow code sent to another workflow: stored in the same commit as the history row that records it, so it is sent once.</summary>
internal sealed record OutgoingSignal(Guid WorkflowId, string Name, string? Payload);
