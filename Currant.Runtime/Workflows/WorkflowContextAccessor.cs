namespace Currant;

/// <summary>
/// Holds the workflow instance for the thread running the deterministic scheduler. Thread-static, not AsyncLocal:
/// workflow code only ever runs on the scheduler's thread, and anything that escapes it must not see a context.
/// A step body runs elsewhere, as ordinary code; <see cref="Step"/> names it so a Workflow.* call there says where it is.
/// </summary>
internal static class WorkflowContextAccessor
{
    [ThreadStatic]
    private static IWorkflowContext? _current;

    private static readonly AsyncLocal<string?> _step = new();

    public static IWorkflowContext? Current
    {
        get => _current;
        set => _current = value;
    }

    /// <summary>The name of the inline step whose body is running in this async flow, if any.</summary>
    public static string? Step
    {
        get => _step.Value;
        set => _step.Value = value;
    }

    /// <summary>Throws the error for <paramref name="member"/> called inside a step body; nothing outside one.</summary>
    public static void ThrowIfInStep(string member)
    {
        if (Step is { } step)
        {
            throw new InvalidOperationException(
                $"{member} was called inside the body of step '{step}'. A step body is ordinary code that runs once and is recorded: " +
                "it cannot use Workflow.* or run activities. Move the call out of the step, into the workflow code around it.");
        }
    }

    /// <summary>The running workflow, or the error for a call made where there is none (<paramref name="member"/> names it).</summary>
    public static IWorkflowContext Require(string member)
    {
        if (_current is { } current)
        {
            return current;
        }

        ThrowIfInStep(member);
        throw new InvalidOperationException(
            $"{member} can only be used inside a workflow's RunAsync (on the workflow scheduler). " +
            "Move this call into a [Workflow] class, or use the regular .NET API outside workflows.");
    }
}
