namespace Currant;

/// <summary>
/// Marks a method of a <c>[Workflow]</c> class as an update: like a signal it changes the workflow's state (on its
/// scheduler, recorded in the history), and its result (or exception) reaches the caller durably
/// (<c>h.Updates.X(...)</c>). An <see cref="UpdateValidatorAttribute"/> method may reject it first.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class UpdateAttribute : Attribute
{
    /// <summary>The update's name; defaults to the method name.</summary>
    public string? Name { get; set; }
}
