namespace Currant.Workflows;

/// <summary>An update a caller requested and no activation has validated yet (currant.updates, state 'requested').</summary>
internal sealed record PendingUpdate(string UpdateId, string Name, string? Args, DateTime ArrivedAt);
