using System.ComponentModel;

namespace Currant;

/// <summary>One <c>[Signal]</c>, <c>[Query]</c> or <c>[Update]</c> method of a workflow, as the generator describes it.</summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed class WorkflowHandler
{
    /// <summary>The signal, query or update name callers use.</summary>
    public required string Name { get; init; }

    /// <summary>Signal, query or update.</summary>
    public required WorkflowHandlerKind Kind { get; init; }

    /// <summary>The method's parameter names, for error messages.</summary>
    public IReadOnlyList<string> ParameterNames { get; init; } = [];

    /// <summary>Calls the method on the workflow instance.</summary>
    public required WorkflowHandlerInvoker Invoke { get; init; }

    /// <summary>The update's validator, or null.</summary>
    public UpdateValidatorInvoker? Validate { get; init; }
}
