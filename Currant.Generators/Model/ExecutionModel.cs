namespace Currant.Generators.Model;

/// <summary>
/// Everything the emitter needs about one <c>[Job]</c>, <c>[Activity]</c> or <c>[Workflow]</c> class.
/// Only strings, numbers, enums and <see cref="EquatableArray{T}"/>: value-equal, so the pipeline caches it.
/// </summary>
/// <param name="Kind">Which attribute found the class.</param>
/// <param name="Name">The persisted execution name (attribute Name, else the class name).</param>
/// <param name="Namespace">The namespace without <c>global::</c>, or null for the global namespace.</param>
/// <param name="ContainingTypes">Enclosing partial types, outermost first.</param>
/// <param name="Keyword">"class" or "record".</param>
/// <param name="TypeName">The class name as C# source.</param>
/// <param name="FullyQualifiedName">The class as <c>global::NS.Outer.TypeName</c>.</param>
/// <param name="MetadataName">The class's metadata-style name (<c>NS.Outer+TypeName</c>), used for the hint name.</param>
/// <param name="Queue">The attribute's queue, or null (the default queue; for an activity, the calling workflow's).</param>
/// <param name="Retries">Null when the attribute left it unset (-1); always null for workflows, which are not retried.</param>
/// <param name="TimeoutSeconds">Null when the attribute left it unset (0).</param>
/// <param name="Priority">The attribute's priority.</param>
/// <param name="Version">Workflow code version; 1 for jobs and activities.</param>
/// <param name="NonRetryable">Fully qualified exception types that are never retried, in declaration order.</param>
/// <param name="Method">The user's entry method.</param>
/// <param name="ConstructorParameters">Fully qualified types of the chosen constructor's parameters, resolved from the service provider.</param>
/// <param name="Dispose">How the invoker releases the instance.</param>
/// <param name="Retry">The attribute's retry delays and heartbeat timeout (jobs and activities), or null when none is set.</param>
/// <param name="ConcurrencyKey">The [Job] ConcurrencyKey when it names a parameter and MaxConcurrency is at least 1 (else null: CUR2060/CUR2061).</param>
/// <param name="MaxConcurrency">The [Job] MaxConcurrency that goes with <paramref name="ConcurrencyKey"/>; 0 without one.</param>
/// <param name="ObsoleteWarnings">Warning IDs a reference to the class raises when it or a containing type is [Obsolete] (kept to drain stored executions); sorted, usually empty.</param>
internal sealed record ExecutionModel(
    ExecutionModelKind Kind,
    string Name,
    string? Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string Keyword,
    string TypeName,
    string FullyQualifiedName,
    string MetadataName,
    string? Queue,
    int? Retries,
    int? TimeoutSeconds,
    int Priority,
    int Version,
    EquatableArray<string> NonRetryable,
    MethodModel Method,
    EquatableArray<string> ConstructorParameters,
    DisposeKind Dispose,
    EquatableArray<string> ObsoleteWarnings,
    RetryModel? Retry = null,
    string? ConcurrencyKey = null,
    int MaxConcurrency = 0)
{
    /// <summary>The class's <c>[Schedule]</c> on a parameterless job or workflow; null otherwise.</summary>
    public ScheduleModel? Schedule { get; init; }

    /// <summary>A workflow's [Signal], [Query] and [Update] methods, in declaration order (usually empty).</summary>
    public EquatableArray<HandlerModel> Handlers { get; init; }
}
