namespace Currant;

/// <summary>
/// Marks a partial class as a workflow activity: a step a workflow calls with the generated static
/// <c>Run(...)</c>. Its <c>ExecuteAsync(...)</c> runs on any worker, at least once, and its result is recorded.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ActivityAttribute : Attribute
{
    /// <summary>The persisted execution name; defaults to the class name.</summary>
    public string? Name { get; set; }

    /// <summary>The queue the activity runs on; defaults to the calling workflow's queue.</summary>
    public string? Queue { get; set; }

    /// <summary>Retries after the first attempt; -1 means the client default.</summary>
    public int Retries { get; set; } = -1;

    /// <summary>Timeout of one attempt in seconds; 0 means the client default.</summary>
    public int Timeout { get; set; }

    /// <summary>Exception types that fail the activity at once instead of being retried.</summary>
    public Type[]? NonRetryable { get; set; }
}
