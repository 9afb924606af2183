namespace Currant;

/// <summary>
/// Holds the workflow instance for the thread running the deterministic scheduler. Thread-static, not AsyncLocal:
/// workflow code only ever runs on the scheduler's thread, and anything that escapes it must not see a context.
/// </summary>
internal static class WorkflowContextAccessor
{
    [ThreadStatic]
    private static IWorkflowContext? _current;

    public static IWorkflowContext? Current
    {
        get => _current;
        set => _current = value;
    }
}
