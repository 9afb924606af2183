namespace Currant.Persistence;

/// <summary>An update as its caller reads it, with the state of its workflow.</summary>
internal sealed record UpdateRow(Guid Key, string Name, string State, string? Result, string? Error, string WorkflowState);
