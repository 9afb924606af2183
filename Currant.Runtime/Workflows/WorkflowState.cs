namespace Currant.Workflows;

/// <summary>
/// What an activation reads before running: the history (all of it, or when <see cref="Partial"/> only what is newer
/// than the cached instance), the buffered signals, the requested updates and the wake counter.
/// </summary>
internal sealed record WorkflowState(IReadOnlyList<HistoryEvent> History, IReadOnlyList<BufferedSignal> Signals, int WakeCount, DateTimeOffset CreatedAt, bool Partial = false)
{
    /// <summary>Updates requested and not validated yet, in arrival order (loaded only for workflows with [Update] handlers).</summary>
    public IReadOnlyList<PendingUpdate> Updates { get; init; } = [];
}

/// <summary>How far a cached instance knows its history: the rows newer than this are all it needs to load.</summary>
internal sealed record HistoryCursor(int MaxSeq, int MinVersionSeq, long MaxOrder);
