namespace Currant.Benchmarks;

/// <summary>A workflow the bench gave up waiting for, as the database shows it afterwards.</summary>
internal sealed record UnfinishedWorkflow(Guid Id, string State, string? ErrorType, long CompletedHistoryRows);
