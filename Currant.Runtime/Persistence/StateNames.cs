namespace Currant.Persistence;

/// <summary>The text the schema stores for enums (lower case, CHECK-constrained).</summary>
internal static class StateNames
{
    public static string ToDb(this ExecutionState state) => state switch
    {
        ExecutionState.Pending => "pending",
        ExecutionState.Running => "running",
        ExecutionState.Suspended => "suspended",
        ExecutionState.Completed => "completed",
        ExecutionState.Failed => "failed",
        ExecutionState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static string ToDb(this ExecutionKind kind) => kind switch
    {
        ExecutionKind.Job => "job",
        ExecutionKind.Activity => "activity",
        ExecutionKind.Workflow => "workflow",
        ExecutionKind.Timer => "timer",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static ExecutionState ParseState(string value) => value switch
    {
        "pending" => ExecutionState.Pending,
        "running" => ExecutionState.Running,
        "suspended" => ExecutionState.Suspended,
        "completed" => ExecutionState.Completed,
        "failed" => ExecutionState.Failed,
        "cancelled" => ExecutionState.Cancelled,
        _ => throw new FormatException($"Unknown execution state '{value}'."),
    };

    public static ExecutionKind ParseKind(string value) => value switch
    {
        "job" => ExecutionKind.Job,
        "activity" => ExecutionKind.Activity,
        "workflow" => ExecutionKind.Workflow,
        "timer" => ExecutionKind.Timer,
        _ => throw new FormatException($"Unknown execution kind '{value}'."),
    };
}
