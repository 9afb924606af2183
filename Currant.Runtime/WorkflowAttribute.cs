namespace Currant;

/// <summary>
/// Marks a partial class as a durable workflow (Temporal style). Its <c>RunAsync(...)</c> is replayed from
/// recorded history, so it must be deterministic: the Currant analyzers check that at compile time.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class WorkflowAttribute : Attribute
{
    /// <summary>The persisted execution name; defaults to the class name.</summary>
    public string? Name { get; set; }

    /// <summary>The queue the workflow runs on; defaults to <c>"default"</c>.</summary>
    public string? Queue { get; set; }

    /// <summary>The code version, informational; use <c>Workflow.GetVersion</c> to change running workflows safely.</summary>
    public int Version { get; set; } = 1;

    /// <summary>Timeout of the whole workflow in seconds; 0 means the client default.</summary>
    public int Timeout { get; set; }

    /// <summary>Default priority; higher runs first.</summary>
    public int Priority { get; set; }
}
