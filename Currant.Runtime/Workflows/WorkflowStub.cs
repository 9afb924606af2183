using System.ComponentModel;
using System.Text.Json;

namespace Currant;

/// <summary>
/// What generated <c>Run</c> and <c>Queue</c> stubs call when they run inside workflow code. Not for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WorkflowStub
{
    /// <summary>
    /// True when the caller is workflow code running on the workflow scheduler. Inside a step body (ordinary code,
    /// run once and recorded) a stub is an error naming the step, not a silent unrecorded enqueue.
    /// </summary>
    public static bool IsInWorkflow
    {
        get
        {
            if (WorkflowContextAccessor.Current is not null)
            {
                return true;
            }

            WorkflowContextAccessor.ThrowIfInStep("A generated Queue(...) stub");
            return false;
        }
    }

    /// <summary>The running workflow's serializer; outside a workflow a clear error naming <paramref name="stub"/>.</summary>
    public static JsonSerializerOptions GetSerializerOptions(string stub) => Context(stub).SerializerOptions;

    /// <summary>Runs an activity or child workflow and returns its result (replay returns the recorded one).</summary>
    public static async Task<T> RunAsync<T>(ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options)
    {
        var context = Context(definition.Name + ".Run(...)");
        var result = await context.RunAsync(definition, arguments, options).ConfigureAwait(true);
        return result is null ? default! : CurrantJson.Deserialize<T>(result, context.SerializerOptions);
    }

    /// <summary>Runs an activity or child workflow without a result.</summary>
    public static async Task RunAsync(ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options)
        => await Context(definition.Name + ".Run(...)").RunAsync(definition, arguments, options).ConfigureAwait(true);

    /// <summary>Enqueues a job or workflow from workflow code, recorded so replay never enqueues it twice.</summary>
    public static ExecutionHandle<T> Queue<T>(ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options)
    {
        var context = Context(definition.Name + ".Queue(...)");
        return new ExecutionHandle<T>(context.Client, context.Queue(definition, [arguments], options)[0]);
    }

    /// <summary>Enqueues a job or workflow without a result from workflow code, recorded.</summary>
    public static ExecutionHandle Queue(ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options)
    {
        var context = Context(definition.Name + ".Queue(...)");
        return new ExecutionHandle(context.Client, context.Queue(definition, [arguments], options)[0]);
    }

    /// <summary>Enqueues many from workflow code as one recorded step.</summary>
    public static IReadOnlyList<ExecutionHandle<T>> QueueMany<T>(ExecutionDefinition definition, IReadOnlyList<byte[]> arguments, EnqueueOptions? options)
    {
        var context = Context(definition.Name + ".QueueMany(...)");
        return context.Queue(definition, arguments, options).Select(id => new ExecutionHandle<T>(context.Client, id)).ToArray();
    }

    /// <summary>Enqueues many without results from workflow code as one recorded step.</summary>
    public static IReadOnlyList<ExecutionHandle> QueueMany(ExecutionDefinition definition, IReadOnlyList<byte[]> arguments, EnqueueOptions? options)
    {
        var context = Context(definition.Name + ".QueueMany(...)");
        return context.Queue(definition, arguments, options).Select(id => new ExecutionHandle(context.Client, id)).ToArray();
    }

    /// <summary>What a generated <c>ContinueAsNew(…)</c> returns for the workflow code to throw.</summary>
    public static ContinueAsNewException ContinueAsNew(ExecutionDefinition definition, byte[] arguments)
        => Context(definition.Name + ".ContinueAsNew(...)").ContinueAsNew(definition, arguments);

    /// <summary>Signals another workflow from workflow code: recorded, and sent once with the activation's commit.</summary>
    public static Task SignalAsync(Guid workflowId, string name, byte[]? payload)
        => Context($"Signal '{name}'").SignalExternalAsync(workflowId, name, payload);

    /// <summary>The client handles re-attached inside workflow code use (the worker's).</summary>
    public static ICurrantClient GetClient(string stub) => Context(stub).Client;

    private static IWorkflowContext Context(string stub)
    {
        if (WorkflowContextAccessor.Current is { } current)
        {
            return current;
        }

        WorkflowContextAccessor.ThrowIfInStep($"'{stub}'");
        throw new InvalidOperationException(
            $"'{stub}' can only be called from workflow code (a [Workflow] class's RunAsync). " +
            "Outside a workflow, use Queue(...) to enqueue it as a job or workflow of its own.");
    }
}
