using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Currant.Persistence;
using Currant.Worker;
using Microsoft.Extensions.Logging;

namespace Currant.Workflows;

/// <summary>
/// The workflow runner role: runs one activation of a claimed workflow: load history, resume the cached instance
/// (or replay a fresh one), run the code until it can go no further, and commit what it did in one transaction.
/// </summary>
internal sealed class WorkflowRunner : IExecutionRunner
{
    private const int MaxCachedInstances = 2000;

    /// <summary>Activations in a row whose commit PostgreSQL refused before the workflow is failed with the reason.</summary>
    internal const int MaxRefusedCommits = 3;

    private readonly CurrantClient _client;
    private readonly CurrantStore _store;
    private readonly Guid _workerId;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly IProducer _producer;
    private readonly ICompleter _completer;
    private readonly ConcurrentDictionary<Guid, WorkflowInstance> _sticky = new();
    private readonly ConcurrentDictionary<Guid, int> _refusedCommits = new();

    public WorkflowRunner(CurrantClient client, Guid workerId, IServiceProvider services, ILogger logger, IProducer producer, ICompleter completer)
    {
        _client = client;
        _store = client.Store;
        _workerId = workerId;
        _services = services;
        _logger = logger;
        _producer = producer;
        _completer = completer;
    }

    /// <summary>How long one slice of workflow code may hold its thread before it counts as blocked.</summary>
    public TimeSpan DeadlockTimeout { get; init; } = TimeSpan.FromSeconds(2);

    internal int CachedInstances => _sticky.Count;

    public async Task RunAsync(ClaimedExecution row)
    {
        try
        {
            // The dispatch sends only workflows this build registers.
            if (!ExecutionRegistry.TryGet(row.Name, out var definition))
            {
                throw new InvalidOperationException($"Workflow '{row.Name}' is not registered in this worker.");
            }

            await ActivateAndCommitAsync(row, definition).ConfigureAwait(false);
            _refusedCommits.TryRemove(row.Id, out _);
        }
        catch (Exception ex)
        {
            _sticky.TryRemove(row.Id, out _);
            await _completer.CompleteAsync(AfterFailedActivation(row, ex), row.Name).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An activation that could not be loaded or committed. The database being away passes: hand the workflow back
    /// to be replayed, here or elsewhere. A commit PostgreSQL refuses (a value it cannot store) fails the same way
    /// on every replay, and re-running the activation repeats its inline steps: after a few tries, fail the workflow.
    /// </summary>
    private Completion AfterFailedActivation(ClaimedExecution row, Exception exception)
    {
        if (!StoreErrors.IsRefusedValue(exception))
        {
            Log.ExecutionRetrying(_logger, exception, row.Id, row.Kind, row.Name, row.Queue, row.Attempt, Completion.WorkflowHandBackDelay);
            return new Completion(row.Id, row.Fence, ExecutionState.Pending, null, null, Completion.WorkflowHandBackDelay, false);
        }

        if (_refusedCommits.Count > MaxCachedInstances)
        {
            _refusedCommits.Clear();
        }

        var refusals = _refusedCommits.AddOrUpdate(row.Id, 1, static (_, n) => n + 1);
        if (refusals < MaxRefusedCommits)
        {
            Log.ExecutionRetrying(_logger, exception, row.Id, row.Kind, row.Name, row.Queue, row.Attempt, Completion.WorkflowHandBackDelay);
            return new Completion(row.Id, row.Fence, ExecutionState.Pending, null, null, Completion.WorkflowHandBackDelay, false);
        }

        _refusedCommits.TryRemove(row.Id, out _);
        var reason = exception is Npgsql.PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : exception.Message;
        var error = new ExecutionError(
            SharedNames.ActivationRefusedError,
            $"PostgreSQL refused the commit of workflow '{row.Name}' {MaxRefusedCommits} times in a row ({reason}). " +
            "A value the workflow produced cannot be stored (a \u0000 in a string, an oversized value); the workflow is failed rather than replayed forever.",
            null,
            NonRetryable: true);
        Log.ExecutionFailed(_logger, exception, row.Id, row.Kind, row.Name, row.Queue, row.Attempt);
        return new Completion(row.Id, row.Fence, ExecutionState.Failed, null, CurrantStore.SerializeError(error), null, false);
    }

    private async Task ActivateAndCommitAsync(ClaimedExecution row, ExecutionDefinition definition)
    {
        // Each activation is an attempt span under the workflow's enqueue; what it schedules is parented on it.
        using var telemetry = CurrantDiagnostics.StartAttempt(row, _logger);
        var state = await _store.LoadWorkflowAsync(row.Id, CancellationToken.None).ConfigureAwait(false);
        var instance = Reuse(row.Id, state) ?? new WorkflowInstance(row.Id, row.Queue, definition, _client, _logger);
        var firstActivation = instance.Run is null;
        var firstCommit = state.History.Count == 0;
        instance.Load(state);

        var start = firstActivation
            ? new InvocationContext(row.Id, row.Name, row.Attempt, Encoding.UTF8.GetBytes(row.Arguments), _services, _client.SerializerOptions, CancellationToken.None)
            : null;
        var blocked = await ActivateAsync(instance, start).ConfigureAwait(false);

        ExecutionState next;
        string? result = null, error = null;
        var commands = true;
        if (blocked is not null || instance.Nondeterminism is not null)
        {
            // Parked: not failed, not lost. Nothing of this activation is written; a worker with fixed code resumes it.
            Exception reason = (Exception?)blocked ?? instance.Nondeterminism!;
            next = ExecutionState.Suspended;
            error = CurrantStore.SerializeError(ExecutionError.From(reason, nonRetryable: true));
            commands = false;
            CurrantDiagnostics.RecordException(reason);
            Log.WorkflowParked(_logger, reason, row.Id, row.Name);
        }
        else if (instance.Run!.IsCompletedSuccessfully)
        {
            next = ExecutionState.Completed;
            result = instance.Run.Result is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
        }
        else if (instance.Run.IsFaulted || instance.Run.IsCanceled)
        {
            next = ExecutionState.Failed;
            var exception = instance.Run.Exception?.InnerException ?? new OperationCanceledException("The workflow was cancelled.");
            error = CurrantStore.SerializeError(ExecutionError.From(exception, nonRetryable: true));
            CurrantDiagnostics.RecordException(exception);
        }
        else if (instance.NewHistory.Count == 0 && instance.NewChildren.Count == 0 && instance.Consumed.Count == 0 && !instance.IsWaiting)
        {
            var reason = new WorkflowBlockedException(
                $"Workflow '{row.Name}' ({row.Id}) is waiting on something that is not a Currant call (a Task.Delay, a TaskCompletionSource, I/O?). " +
                "Only Workflow.*, activity Run(...) and child workflows can be awaited in workflow code.");
            next = ExecutionState.Suspended;
            error = CurrantStore.SerializeError(ExecutionError.From(reason, nonRetryable: true));
            commands = false;
            blocked = reason;
            CurrantDiagnostics.RecordException(reason);
            Log.WorkflowParked(_logger, reason, row.Id, row.Name);
        }
        else
        {
            next = ExecutionState.Suspended;
        }

        var children = commands ? instance.NewChildren.ToList() : [];
        if (commands && firstCommit && row.Timeout is { } timeout && next == ExecutionState.Suspended)
        {
            var elapsed = DateTimeOffset.UtcNow - state.CreatedAt;
            children.Add(instance.Timer(Guid.CreateVersion7(), SharedNames.WorkflowTimeoutTimer, timeout - elapsed, 0));
        }

        // Eager dispatch: run a just-scheduled activity here when this worker serves its queue and has a slot free.
        var eager = new List<NewChild>();
        for (var i = 0; i < children.Count; i++)
        {
            var child = children[i];
            if (child.Eager && _producer.Serves(child.Queue) && _producer.TryReserveSlot())
            {
                eager.Add(child);
            }
            else if (child.Eager)
            {
                children[i] = child with { Eager = false };
            }
        }

        // The span ends before the commit, like a job's before its completion: whoever sees the outcome sees the span.
        var traceContext = telemetry.TraceContext ?? row.TraceContext;
        telemetry.CompleteActivation(next, (Exception?)blocked ?? instance.Nondeterminism);
        var commit = new ActivationCommit(row.Id, _workerId, row.Fence, state.WakeCount, next, result, error,
            commands ? instance.NewHistory.ToList() : [], children, commands ? instance.Consumed.ToList() : [], traceContext);
        ActivationOutcome outcome;
        try
        {
            (outcome, _) = await _store.CommitActivationAsync(commit, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            ReleaseSlots(eager.Count);
            _sticky.TryRemove(row.Id, out _);
            throw;
        }

        switch (outcome)
        {
            case ActivationOutcome.Committed or ActivationOutcome.CommittedAndWoken:
                instance.CommitCommands();
                if (next == ExecutionState.Suspended && blocked is null && instance.Nondeterminism is null)
                {
                    Remember(row.Id, instance);
                }
                else
                {
                    _sticky.TryRemove(row.Id, out _);
                }

                foreach (var child in eager)
                {
                    _producer.StartReserved(new ClaimedExecution(child.Id, child.Kind, child.Name, child.Queue, child.Arguments, 1, child.MaxAttempts,
                        child.Timeout, row.Id, child.ParentSeq, traceContext, false, Activation: child.Kind == ExecutionKind.Workflow ? 1 : 0));
                }

                if (outcome == ActivationOutcome.CommittedAndWoken)
                {
                    _producer.Wake();
                }

                // Timers and delayed children this worker serves: claim them when due, without waiting for the NOTIFY.
                foreach (var child in children)
                {
                    if (!child.Eager && child.Delay > TimeSpan.Zero && _producer.Serves(child.Queue))
                    {
                        _producer.WakeIn(child.Delay);
                    }
                }

                break;
            case ActivationOutcome.Conflict:
                ReleaseSlots(eager.Count);
                _sticky.TryRemove(row.Id, out _);
                await _store.RequeueAsync(row.Id, _workerId, row.Fence, CancellationToken.None).ConfigureAwait(false);
                _producer.Wake();
                break;
            case ActivationOutcome.Cancelled:
                ReleaseSlots(eager.Count);
                _sticky.TryRemove(row.Id, out _);
                await _store.CancelTreeAsync(row.Id, ExecutionState.Cancelled,
                    new ExecutionError(typeof(OperationCanceledException).FullName!, "Cancelled on request.", null, true), CancellationToken.None).ConfigureAwait(false);
                break;
            default:
                ReleaseSlots(eager.Count);
                _sticky.TryRemove(row.Id, out _);
                break;
        }
    }

    private void ReleaseSlots(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _producer.ReleaseSlot();
        }
    }

    /// <summary>The cached instance, if the database holds exactly the history it last committed.</summary>
    private WorkflowInstance? Reuse(Guid id, WorkflowState state)
    {
        if (!_sticky.TryRemove(id, out var cached))
        {
            return null;
        }

        var maxSeq = 0;
        var versions = 0;
        foreach (var e in state.History)
        {
            if (e.Kind == "version")
            {
                versions++;
            }
            else
            {
                maxSeq = Math.Max(maxSeq, e.Seq);
            }
        }

        return maxSeq == cached.KnownMaxSeq && versions == cached.KnownVersionCount ? cached : null;
    }

    private void Remember(Guid id, WorkflowInstance instance)
    {
        if (_sticky.Count >= MaxCachedInstances)
        {
            // Crude but bounded: a dropped instance only costs one replay.
            foreach (var key in _sticky.Keys.Take(MaxCachedInstances / 10))
            {
                _sticky.TryRemove(key, out _);
            }
        }

        _sticky[id] = instance;
    }

    /// <summary>Runs the activation on a pool thread and watches it; returns an exception if the code blocked.</summary>
    private async Task<WorkflowBlockedException?> ActivateAsync(WorkflowInstance instance, InvocationContext? start)
    {
        var activation = Task.Run(() => instance.Activate(start));
        while (!activation.IsCompleted)
        {
            await Task.WhenAny(activation, Task.Delay(50)).ConfigureAwait(false);
            var since = instance.Scheduler.ExecutingSince;
            if (!activation.IsCompleted && since != 0 && Stopwatch.GetElapsedTime(since) > DeadlockTimeout)
            {
                // The thread stays blocked; the instance is abandoned and the workflow parked.
                return new WorkflowBlockedException(
                    $"Workflow '{instance.Definition.Name}' ({instance.WorkflowId}) held its thread for over {DeadlockTimeout.TotalSeconds:0.#} s without yielding " +
                    "(Thread.Sleep, .Result, .Wait() or a busy loop?). Await Currant calls and use Workflow.Sleep instead.");
            }
        }

        await activation.ConfigureAwait(false);
        return null;
    }
}
