namespace Currant;

/// <summary>
/// Marks a method that validates an update before it is accepted: same parameters as the update, returns
/// <c>void</c>, throws to reject. A rejected update leaves no trace in the history and the caller gets the
/// validator's exception message. It must not change state.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class UpdateValidatorAttribute : Attribute
{
    /// <summary>Validates the update method named <paramref name="updateMethod"/> (use <c>nameof</c>).</summary>
    public UpdateValidatorAttribute(string updateMethod)
    {
        UpdateMethod = updateMethod;
    }

    /// <summary>The name of the <c>[Update]</c> method (the C# method name) this validates.</summary>
    public string UpdateMethod { get; }
}
