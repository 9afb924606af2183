using System.ComponentModel;

namespace Currant;

/// <summary>
/// Everything the runtime knows about one <c>[Job]</c>, <c>[Activity]</c> or <c>[Workflow]</c> class.
/// Instances are written by the source generator; user code rarely builds one by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed class ExecutionDefinition
{
    /// <summary>The persisted name (what the worker looks up).</summary>
    public required string Name { get; init; }

    /// <summary>Job, activity or workflow.</summary>
    public required ExecutionKind Kind { get; init; }

    /// <summary>Queue from the attribute, or null for the default.</summary>
    public string? Queue { get; init; }

    /// <summary>Retries after the first attempt, or null for the client default.</summary>
    public int? Retries { get; init; }

    /// <summary>Timeout of one attempt (or of the whole workflow), or null for the client default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Default priority; higher runs first.</summary>
    public int Priority { get; init; }

    /// <summary>Workflow code version (informational).</summary>
    public int Version { get; init; } = 1;

    /// <summary>The entry method's parameter names in argument order (without the cancellation token), for error messages.</summary>
    public IReadOnlyList<string> ParameterNames { get; init; } = [];

    /// <summary>The <c>[Schedule]</c> of a parameterless job or workflow, or null: workers of its queue create it at start.</summary>
    public ScheduleSpec? Schedule { get; init; }

    /// <summary>
    /// The parameters marked <c>[Sensitive]</c>: their arguments are stored as given but shown redacted by the
    /// dashboard and the command line.
    /// </summary>
    public IReadOnlyList<string> SensitiveParameters { get; init; } = [];

    /// <summary>The parameter whose value limits concurrency (<see cref="JobAttribute.ConcurrencyKey"/>), or null.</summary>
    public string? ConcurrencyKey { get; init; }

    /// <summary>Executions per <see cref="ConcurrencyKey"/> value that may run at once; 0 when there is no key.</summary>
    public int MaxConcurrency { get; init; }

    /// <summary>Returns true for exceptions that must not be retried.</summary>
    public Func<Exception, bool>? IsNonRetryable { get; init; }

    /// <summary>
    /// How failed attempts are retried (delays, backoff, non-retryable type names); null for the worker's defaults.
    /// Its <see cref="Currant.RetryPolicy.Retries"/> is unused here: <see cref="Retries"/> is the definition's count.
    /// </summary>
    public RetryPolicy? RetryPolicy { get; init; }

    /// <summary>A running attempt that sends no heartbeat (<c>Execution.Heartbeat</c>) for this long is timed out and retried; null for none.</summary>
    public TimeSpan? HeartbeatTimeout { get; init; }

    /// <summary>Deserializes the arguments, builds the class and calls its method.</summary>
    public required ExecutionInvoker Invoke { get; init; }

    /// <summary>A workflow's <c>[Signal]</c>, <c>[Query]</c> and <c>[Update]</c> methods (empty for most).</summary>
    public IReadOnlyList<WorkflowHandler> Handlers { get; init; } = [];

    /// <summary>The handler of <paramref name="kind"/> named <paramref name="name"/>, or null.</summary>
    public WorkflowHandler? FindHandler(WorkflowHandlerKind kind, string name)
    {
        foreach (var handler in Handlers)
        {
            if (handler.Kind == kind && string.Equals(handler.Name, name, StringComparison.Ordinal))
            {
                return handler;
            }
        }

        return null;
    }
}
