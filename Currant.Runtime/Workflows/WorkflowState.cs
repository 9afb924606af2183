namespace Currant.Workflows;

/// <summary>What an activation reads before running: the history, the buffered signals and the wake counter.</summary>
internal sealed record WorkflowState(IReadOnlyList<HistoryEvent> History, IReadOnlyList<BufferedSignal> Signals, int WakeCount, DateTimeOffset CreatedAt);
