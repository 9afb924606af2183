namespace Currant.Workflows;

/// <summary>What workflow code produced since the last commit: history rows, executions to start, signals consumed.</summary>
internal sealed record ActivationCommands(IReadOnlyList<NewHistoryRow> History, IReadOnlyList<NewChild> Children, IReadOnlyList<SignalConsumption> Consumed)
{
    public static readonly ActivationCommands None = new([], [], []);

    public bool IsEmpty => History.Count == 0 && Children.Count == 0 && Consumed.Count == 0;
}
