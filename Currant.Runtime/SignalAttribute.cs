namespace Currant;

/// <summary>
/// Marks a method of a <c>[Workflow]</c> class as a signal handler. A signal sent to the workflow under this name
/// (<c>h.Signals.X(...)</c>, <c>SignalAsync(name, payload)</c>, <c>currant signal</c>) runs the method on the
/// workflow's scheduler, once, in arrival order, recorded in the history. It returns <c>void</c> or <c>Task</c> and
/// obeys the workflow determinism rules. A payload is the JSON of the single parameter, <c>null</c> without one,
/// and a JSON array for two or more.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class SignalAttribute : Attribute
{
    /// <summary>The signal's name; defaults to the method name.</summary>
    public string? Name { get; set; }
}
