namespace Currant;

/// <summary>
/// Thrown by workflow code (<c>throw MyWorkflow.ContinueAsNew(…)</c>, generated per workflow) to end this run and
/// start a fresh one of the same workflow with these arguments and an empty history, under the same business id
/// (idempotency key, tags, parent). A handle to any run of the chain follows it to the final result; signals the
/// run had not consumed carry over to the new run.
/// </summary>
public sealed class ContinueAsNewException : Exception
{
    internal ContinueAsNewException(ExecutionDefinition definition, byte[] arguments)
        : base($"Workflow '{definition.Name}' continues as new. Throw this from the workflow's RunAsync; do not catch it.")
    {
        Definition = definition;
        Arguments = arguments;
    }

    /// <summary>The name of the workflow the new run starts.</summary>
    public string WorkflowName => Definition.Name;

    internal ExecutionDefinition Definition { get; }

    internal byte[] Arguments { get; }
}
