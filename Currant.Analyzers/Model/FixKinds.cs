namespace Currant.Analyzers.Model;

/// <summary>
/// Diagnostic property names and values that tell a code fix what to write, so fixes never re-resolve symbols.
/// </summary>
internal static class FixKinds
{
    /// <summary>Property holding one of the values below.</summary>
    public const string Property = "CurrantFix";

    /// <summary>Property holding the Workflow.Step name for <see cref="RecordEnqueue"/>.</summary>
    public const string StepNameProperty = "CurrantStepName";

    public const string UtcNow = "UtcNow";
    public const string DateTimeOffsetUtcNow = "DateTimeOffsetUtcNow";
    public const string NewGuid = "NewGuid";
    public const string Random = "Random";
    public const string SleepTimeSpan = "SleepTimeSpan";
    public const string SleepMilliseconds = "SleepMilliseconds";
    public const string RemoveConfigureAwait = "RemoveConfigureAwait";
    public const string RecordEnqueue = "RecordEnqueue";
    public const string Logger = "Logger";
}
