using System.Text;
using Currant.Worker;
using Currant.Workflows;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Currant.Testing;

/// <summary>
/// Replays recorded workflow histories against the workflow code loaded in this process, read-only, and reports
/// each workflow this code would park: the step, the call the history expected, the call the code makes now and the
/// source line making it. Temporal's WorkflowReplayer, for Currant: run it in a test against histories saved with
/// <c>currant history &lt;id&gt; --json</c>, or against a database before a deploy (<c>currant replay</c>).
/// </summary>
/// <remarks>
/// A replay runs the registered workflow code on the engine's deterministic scheduler and answers each call from the
/// history. Nothing is written and nothing runs outside the workflow code itself: activities, child workflows, timers
/// and jobs are never started, inline steps past the end of the history stop the replay before their bodies run, and
/// the history is read once (from the JSON, or in one query per workflow).
/// </remarks>
public static class WorkflowReplayer
{
    /// <summary>How long replayed code may go without yielding before it counts as blocked (the worker's rule).</summary>
    internal static readonly TimeSpan BlockedAfter = TimeSpan.FromSeconds(10);

    /// <summary>Replays one history, as <c>currant history &lt;id&gt; --json</c> prints it.</summary>
    /// <exception cref="FormatException">The text is not such a history.</exception>
    public static async Task<ReplayReport> ReplayAsync(string historyJson, CancellationToken cancellationToken = default)
    {
        var document = WorkflowHistoryDocument.Read(historyJson);
        // The engine asks its client only for serializer settings and to shape commands, never for a connection.
        await using var offline = NpgsqlDataSource.Create("Host=currant-replay.invalid");
        await using var client = CurrantClient.Create(offline);
        var result = await ReplayOneAsync(client, document.Id, document.Name, document.Queue, document.Arguments, document.ToState(), services: null, cancellationToken).ConfigureAwait(false);
        return new ReplayReport([result]);
    }

    /// <summary>
    /// Replays the workflows of a database that <paramref name="filter"/> selects: by default every one in flight
    /// (pending, running, suspended), the ones a deploy of this code would carry on. Reads only.
    /// </summary>
    public static async Task<ReplayReport> ReplayDatabaseAsync(string connectionString, ReplayFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var builder = ConnectionStrings.Parse(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        await using var client = CurrantClient.Create(dataSource);
        return await ReplayAsync(client, filter, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replays the workflows of <paramref name="client"/>'s database that <paramref name="filter"/> selects.</summary>
    internal static async Task<ReplayReport> ReplayAsync(CurrantClient client, ReplayFilter? filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        filter ??= new ReplayFilter();
        var workflows = await SelectAsync(client, filter, cancellationToken).ConfigureAwait(false);
        var results = new List<WorkflowReplayResult>(workflows.Count);
        foreach (var workflow in workflows)
        {
            var state = await client.Store.LoadWorkflowAsync(workflow.Id, null, cancellationToken).ConfigureAwait(false);
            results.Add(await ReplayOneAsync(client, workflow.Id, workflow.Name, workflow.Queue, workflow.Arguments ?? "[]", state with { Signals = [] }, filter.Services, cancellationToken).ConfigureAwait(false));
        }

        return new ReplayReport(results);
    }

    private static async Task<List<ExecutionInfo>> SelectAsync(CurrantClient client, ReplayFilter filter, CancellationToken cancellationToken)
    {
        if (filter.Id is { } id)
        {
            var one = await client.GetExecutionAsync(id, cancellationToken).ConfigureAwait(false);
            return one is { Kind: ExecutionKind.Workflow } && (filter.IncludeFinished || !one.IsFinished) ? [one] : [];
        }

        ExecutionState?[] states = filter.IncludeFinished
            ? [null]
            : [ExecutionState.Pending, ExecutionState.Running, ExecutionState.Suspended];
        var all = new List<ExecutionInfo>();
        foreach (var state in states)
        {
            all.AddRange(await client.ListAsync(new ExecutionFilter { Kind = ExecutionKind.Workflow, State = state, Name = filter.Name, Limit = filter.Limit }, cancellationToken).ConfigureAwait(false));
        }

        return [.. all.OrderBy(w => w.Id)];
    }

    private static async Task<WorkflowReplayResult> ReplayOneAsync(CurrantClient client, Guid id, string name, string queue, string arguments, WorkflowState state,
        IServiceProvider? services, CancellationToken cancellationToken)
    {
        if (!ExecutionRegistry.TryGet(name, out var definition) || definition.Kind != ExecutionKind.Workflow)
        {
            return new WorkflowReplayResult(id, name, ReplayOutcome.NotRegistered, Error: $"No workflow named '{name}' is registered in this build.");
        }

        var instance = new WorkflowInstance(id, queue, definition, client, NullLogger.Instance) { ReplayOnly = true };
        instance.Load(state);
        var start = new InvocationContext(id, name, 1, Encoding.UTF8.GetBytes(arguments), services ?? EmptyServiceProvider.Instance, client.SerializerOptions, CancellationToken.None);

        // On the thread pool: code that blocks its thread blocks that one, and the wait below sees it.
        var activation = Task.Run(() => instance.ActivateAsync(start), CancellationToken.None);
        using (var blocked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var finished = await Task.WhenAny(activation, Task.Delay(BlockedAfter, blocked.Token)).ConfigureAwait(false);
            await blocked.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (finished != activation)
            {
                return new WorkflowReplayResult(id, name, ReplayOutcome.Blocked,
                    Error: $"The workflow code held its thread for more than {BlockedAfter.TotalSeconds:0} s during replay without yielding (a blocking wait?).");
            }
        }

        try
        {
            await activation.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return new WorkflowReplayResult(id, name, ReplayOutcome.Failed, Error: $"{ex.GetType().Name}: {ex.Message}");
        }

        if (instance.Nondeterminism is { } n)
        {
            var (file, line, member) = CallSite.Find(n.CallSite);
            var divergence = new ReplayDivergence(n.Step, n.Expected ?? "(unknown)", n.Found ?? "(unknown)", file, line, member, n.Message);
            return new WorkflowReplayResult(id, name, ReplayOutcome.Nondeterministic, divergence);
        }

        if (instance.Run is { IsFaulted: true } run)
        {
            var ex = run.Exception!.GetBaseException();
            return new WorkflowReplayResult(id, name, ReplayOutcome.Failed, Error: $"{ex.GetType().Name}: {ex.Message}");
        }

        return new WorkflowReplayResult(id, name, ReplayOutcome.Compatible);
    }
}
