namespace Currant.Workflows;

/// <summary>
/// What workflow code produced since the last commit: history rows, executions to start, signals consumed, updates
/// moved forward and signals sent to other workflows.
/// </summary>
internal sealed record ActivationCommands(IReadOnlyList<NewHistoryRow> History, IReadOnlyList<NewChild> Children, IReadOnlyList<SignalConsumption> Consumed)
{
    public static readonly ActivationCommands None = new([], [], []);

    /// <summary>Update state changes, at most one per update (the latest; an accepted one keeps its step).</summary>
    public IReadOnlyList<UpdateTransition> Updates { get; init; } = [];

    public IReadOnlyList<OutgoingSignal> Outgoing { get; init; } = [];

    /// <summary>Steps of WaitUntil timeouts whose condition was met first: their timers are cancelled without waking the workflow.</summary>
    public IReadOnlyList<int> CancelledTimers { get; init; } = [];

    public bool IsEmpty => History.Count == 0 && Children.Count == 0 && Consumed.Count == 0 && Updates.Count == 0 && Outgoing.Count == 0 && CancelledTimers.Count == 0;
}
