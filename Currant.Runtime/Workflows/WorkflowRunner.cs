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
internal sealed class WorkflowRunner : IExecutionRunner, IActivityFuser
{
    private const int MaxCachedInstances = 2000;

    /// <summary>Activations in a row whose commit PostgreSQL refused before the workflow is failed with the reason.</summary>
    internal const int MaxRefusedCommits = 3;

    private readonly CurrantClient _client;
    private readonly ConcurrentDictionary<Guid, ExecutionInfo> _finishedHere = new();
    private readonly CurrantStore _store;
    private readonly Guid _workerId;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly IProducer _producer;
    private readonly ICompleter _completer;
    private readonly ConcurrentDictionary<Guid, WorkflowInstance> _sticky = new();
    private readonly ConcurrentDictionary<Guid, int> _refusedCommits = new();
    private readonly StepCommitter _checkpoints;
    private long _fusedSteps;

    public WorkflowRunner(CurrantClient client, Guid workerId, IServiceProvider services, ILogger logger, IProducer producer, ICompleter completer)
    {
        _client = client;
        _store = client.Store;
        _workerId = workerId;
        _services = services;
        _logger = logger;
        _producer = producer;
        _completer = completer;
        _checkpoints = new StepCommitter(_store);
    }

    /// <summary>How long one slice of workflow code may hold its thread before it counts as blocked.</summary>
    public TimeSpan DeadlockTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The worker's clock (<see cref="WorkerOptions.TimeProvider"/>), which workflow time is read from.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    internal int CachedInstances => _sticky.Count;

    /// <summary>Runs activities inside their workflow's activation (the job runner); null: never.</summary>
    public IActivityExecutor? Activities { get; set; }

    /// <summary>
    /// The row a run of <paramref name="id"/> on this worker finished the workflow with, once that run has ended (the
    /// producer's <see cref="Producer.RunEnded"/>); null when it did not finish it.
    /// </summary>
    internal ExecutionInfo? TakeFinished(Guid id) => _finishedHere.TryRemove(id, out var finished) ? finished : null;

    /// <summary>Activity outcomes committed together with their workflow's next activation (fused steps).</summary>
    internal long FusedSteps => Interlocked.Read(ref _fusedSteps);

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
        // A cached instance loads only what is newer than it; anything written elsewhere means a replay from the start.
        var instance = _sticky.TryRemove(row.Id, out var cached) ? cached : null;
        // Every workflow reads its requested updates (an index scan of an empty partial index for most): one without
        // [Update] methods rejects them, so no caller waits forever.
        var state = instance is null && row.Activation == 1
            ? FirstActivation(row)
            : await _store.LoadWorkflowAsync(row.Id, instance?.Cursor, CancellationToken.None, withUpdates: true).ConfigureAwait(false);
        if (instance is not null && !instance.CanResumeWith(state.History))
        {
            instance = null;
            state = await _store.LoadWorkflowAsync(row.Id, null, CancellationToken.None, withUpdates: true).ConfigureAwait(false);
        }

        instance ??= new WorkflowInstance(row.Id, row.Queue, definition, _client, _logger) { Time = Time };
        var firstActivation = instance.Run is null;
        instance.Load(state);

        var start = firstActivation
            ? new InvocationContext(row.Id, row.Name, row.Attempt, Encoding.UTF8.GetBytes(row.Arguments), _services, _client.SerializerOptions, CancellationToken.None)
            : null;
        var createdAt = firstActivation && state.History.Count == 0 ? state.CreatedAt : (DateTimeOffset?)null;
        await ActivateAsync(row, instance, start, state.WakeCount, createdAt, telemetry, fuse: null).ConfigureAwait(false);
    }

    /// <summary>
    /// A workflow's first claim has nothing to load: activations only grow, so no activation has written history.
    /// Signals sent before it started moved its wake counter; the commit then finds it woken and runs it again,
    /// and that activation reads them.
    /// </summary>
    private static WorkflowState FirstActivation(ClaimedExecution row)
        => new([], [], WakeCount: 0, CreatedAt: DateTimeOffset.UtcNow - row.QueueWait);

    /// <summary>
    /// Fused step: an activity that finished on this worker while its workflow waits here in memory is delivered
    /// straight to it; the activity's outcome, the workflow's next commands and its next state commit together.
    /// False when that cannot be done (the workflow is not cached here, was woken meanwhile, the commit did not
    /// take): the caller then completes the activity the ordinary way and nothing of the attempt is lost.
    /// </summary>
    public async Task<bool> TryFuseAsync(ClaimedExecution child, Completion completion)
    {
        if (child.ParentId is not { } parentId || child.ParentSeq is not { } seq || child.Kind != ExecutionKind.Activity
            || completion.State is not (ExecutionState.Completed or ExecutionState.Failed) || completion.Released)
        {
            return false;
        }

        if (!_sticky.TryRemove(parentId, out var instance))
        {
            return false;
        }

        var at = WorkflowClock.Now(Time);
        if (instance.Resumable is not { } left || !instance.TryDeliver(seq, child.Id, completion.State == ExecutionState.Completed, completion.Result, completion.Error, at))
        {
            _sticky.TryAdd(parentId, instance);
            return false;
        }

        var row = left.Row with { Activation = left.Row.Activation + 1, CancelRequested = false, Rescued = false };
        var fuse = new FuseState(new FusedOutcome(child.Id, child.Attempt, seq, completion.State, completion.Result, completion.Error, at, left.Row.Fence, left.WakeCount));
        using var telemetry = CurrantDiagnostics.StartAttempt(row, _logger);
        try
        {
            await ActivateAsync(row, instance, null, left.WakeCount, null, telemetry, fuse).ConfigureAwait(false);
        }
        catch (Exception ex) when (fuse.Committed)
        {
            // The workflow is ours in the database (a checkpoint took it): hand it back like any failed activation.
            _sticky.TryRemove(row.Id, out _);
            await _completer.CompleteAsync(AfterFailedActivation(row, ex), row.Name).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Nothing was written: the activity's outcome goes the ordinary way and wakes the workflow.
            _sticky.TryRemove(row.Id, out _);
            return false;
        }
        if (fuse.Committed)
        {
            Interlocked.Increment(ref _fusedSteps);
        }

        return fuse.Committed;
    }

    /// <summary>
    /// Runs one activation of <paramref name="instance"/> (held as <paramref name="row"/>) as far as it goes and
    /// commits it. With <paramref name="fuse"/>, the first commit (a checkpoint or the final one) also takes the
    /// workflow and records the activity's outcome; until it has, a failure leaves the database untouched.
    /// </summary>
    private async Task ActivateAsync(ClaimedExecution row, WorkflowInstance instance, InvocationContext? start, int wakeCount,
        DateTimeOffset? firstCommitCreatedAt, AttemptTelemetry telemetry, FuseState? fuse)
    {
        var traceContext = telemetry.TraceContext ?? row.TraceContext;
        instance.Resumable = null;

        // After a lost activation, activities go the durable way: one that kills its worker then spends its attempts.
        instance.Activities = Activities is { } executor && !row.Rescued && !row.CancelRequested
            ? new ActivitiesHere(_producer, executor, row.Id, traceContext)
            : null;

        // The workflow's own timeout starts with its first commit that leaves it waiting (or a checkpoint before an
        // activity it runs inside this activation).
        instance.PendingTimeout = firstCommitCreatedAt is { } createdAt && row.Timeout is { } timeout ? createdAt + timeout : null;
        instance.Checkpointer = async commands =>
        {
            var fused = fuse is { Committed: false } ? fuse.Outcome : null;
            var outcome = await _checkpoints.CommitAsync(new Checkpoint(row.Id, _workerId, row.Fence, commands, traceContext, fused)).ConfigureAwait(false);
            if (fused is not null && outcome == ActivationOutcome.Committed)
            {
                fuse!.Committed = true;
            }

            return outcome;
        };
        var blocked = await WatchAsync(instance, start).ConfigureAwait(false);
        var held = fuse is null || fuse.Committed;
        if (instance.Abandoned is { } abandoned)
        {
            // A checkpoint did not commit, so the code never went past it: nothing more of this activation is written.
            _sticky.TryRemove(row.Id, out _);
            telemetry.CompleteActivation(ExecutionState.Pending, abandoned.Exception);
            if (abandoned.Exception is { } exception)
            {
                throw exception;
            }

            if (held)
            {
                await AfterCommitAsync(row, abandoned.Outcome).ConfigureAwait(false);
            }

            return;
        }

        ExecutionState next;
        string? result = null, error = null;
        Continuation? continuation = null;
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
        else if (instance.Run.Exception?.InnerException is ContinueAsNewException continued)
        {
            // Ends this run as completed, without a result; the commit starts the next run (db/0008).
            next = ExecutionState.Completed;
            continuation = new Continuation(Guid.CreateVersion7(), Encoding.UTF8.GetString(continued.Arguments));
        }
        else if (instance.CancelDelivered is { } cancel && (instance.Run.IsCanceled || instance.Run.Exception?.InnerException is OperationCanceledException))
        {
            // The code let the cancellation end it (after its clean-up): cancelled, with the request's reason.
            next = ExecutionState.Cancelled;
            error = cancel.Error ?? CurrantStore.SerializeError(new ExecutionError(typeof(OperationCanceledException).FullName!, "Cancelled on request.", null, true));
        }
        else if (instance.Run.IsFaulted || instance.Run.IsCanceled || instance.HandlerFailure is not null)
        {
            next = ExecutionState.Failed;
            var exception = instance.HandlerFailure ?? instance.Run.Exception?.InnerException ?? new OperationCanceledException("The workflow was cancelled.");
            error = CurrantStore.SerializeError(ExecutionError.From(exception, nonRetryable: true));
            CurrantDiagnostics.RecordException(exception);
        }
        else if (instance.NewHistory.Count == 0 && instance.NewChildren.Count == 0 && instance.Consumed.Count == 0
                 && instance.UpdateTransitions.Count == 0 && instance.Outgoing.Count == 0 && !instance.IsWaiting)
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

        if (!held && !commands)
        {
            // Parking is for the ordinary path (it holds the workflow); here, let the activity's outcome wake it.
            _sticky.TryRemove(row.Id, out _);
            throw new InvalidOperationException("A fused step would park the workflow; completing the activity the ordinary way instead.");
        }

        var taken = commands ? instance.TakeCommands() : ActivationCommands.None;
        var children = taken.Children.ToList();
        if (commands && next == ExecutionState.Suspended && instance.TakeTimeoutTimer() is { } timeoutTimer)
        {
            children.Add(timeoutTimer);
        }

        // Eager dispatch: run a just-scheduled activity here when this worker serves its queue and has a slot free.
        // A fused step runs inside its activity's slot, which ends when it returns: the first child takes that slot over.
        var eager = new List<NewChild>();
        var handOver = fuse is not null;
        for (var i = 0; i < children.Count; i++)
        {
            var child = children[i];
            if (child.Eager && _producer.Serves(child.Queue) && _producer.TryReserveSlot(handedOver: handOver && eager.Count == 0))
            {
                eager.Add(child);
            }
            else if (child.Eager)
            {
                children[i] = child with { Eager = false };
            }
        }

        // The span ends before the commit, like a job's before its completion: whoever sees the outcome sees the span.
        telemetry.CompleteActivation(next, (Exception?)blocked ?? instance.Nondeterminism);
        var written = taken with { Children = children };
        var commit = new ActivationCommit(row.Id, _workerId, row.Fence, wakeCount, next, result, error, written, traceContext, held ? null : fuse!.Outcome,
            CancelTimers: instance.MayHaveTimers || row.Timeout is not null)
        {
            ContinueAs = commands ? continuation : null,
            Tags = commands ? ExecutionTags.ToJson(instance.NewTags) : null,
            MarkHandlesCancel = commands && instance.HandlesCancel && !instance.HandlesCancelRecorded,
        };
        ActivationOutcome outcome;
        ExecutionInfo? finished;
        try
        {
            (outcome, finished) = await _store.CommitActivationAsync(commit, CancellationToken.None).ConfigureAwait(false);
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
                if (fuse is not null)
                {
                    fuse.Committed = true;
                }

                instance.Committed(written);
                instance.TagsCommitted();
                instance.HandlesCancelRecorded |= commit.MarkHandlesCancel;
                if (next == ExecutionState.Suspended && blocked is null && instance.Nondeterminism is null)
                {
                    // Left suspended and not woken since: the next activity outcome may be delivered here directly.
                    instance.Resumable = outcome == ActivationOutcome.Committed ? new ResumePoint(row, wakeCount) : null;
                    Remember(row.Id, instance);
                }
                else
                {
                    _sticky.TryRemove(row.Id, out _);
                }

                foreach (var child in eager)
                {
                    _producer.StartReserved(new ClaimedExecution(child.Id, child.Kind, child.Name, child.Queue, child.Arguments, 1, child.MaxAttempts,
                        child.Timeout, row.Id, child.ParentSeq, traceContext, false, Activation: child.Kind == ExecutionKind.Workflow ? 1 : 0,
                        RetryPolicy: child.RetryPolicy, HeartbeatTimeout: child.HeartbeatTimeout));
                }

                if (outcome == ActivationOutcome.CommittedAndWoken)
                {
                    _producer.Wake();
                }

                if (finished is not null)
                {
                    // Callers of this process waiting for the result get the row the commit wrote, not a read of it:
                    // once this run has ended and freed its slot (TakeFinished), so a caller that starts its next
                    // workflow at once finds the slot free; at once when the run is an activity's (a fused step).
                    if (fuse is null)
                    {
                        _finishedHere[row.Id] = finished;
                    }
                    else
                    {
                        _client.HandOverOutcome(finished);
                    }
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
            default:
                ReleaseSlots(eager.Count);
                _sticky.TryRemove(row.Id, out _);
                if (held)
                {
                    await AfterCommitAsync(row, outcome).ConfigureAwait(false);
                }

                break;
        }
    }

    /// <summary>Activities an activation runs inside itself: those of queues this worker serves.</summary>
    private sealed class ActivitiesHere(IProducer producer, IActivityExecutor executor, Guid workflowId, string? traceContext) : IActivationActivities
    {
        public bool CanRun(NewChild child) => child.Kind == ExecutionKind.Activity && producer.Serves(child.Queue);

        public Task<Completion> RunAsync(NewChild child) => executor.RunInActivationAsync(
            new ClaimedExecution(child.Id, child.Kind, child.Name, child.Queue, child.Arguments, 1, child.MaxAttempts, child.Timeout,
                workflowId, child.ParentSeq, traceContext, false, RetryPolicy: child.RetryPolicy, HeartbeatTimeout: child.HeartbeatTimeout),
            workflowId);
    }

    /// <summary>A fused step's outcome, and whether a commit carrying it has landed (the workflow is then held here).</summary>
    private sealed class FuseState(FusedOutcome outcome)
    {
        public FusedOutcome Outcome { get; } = outcome;

        public volatile bool Committed;
    }

    /// <summary>What follows a commit or checkpoint that wrote nothing: replay after a conflict, end a cancelled tree.</summary>
    private async Task AfterCommitAsync(ClaimedExecution row, ActivationOutcome outcome)
    {
        switch (outcome)
        {
            case ActivationOutcome.Conflict:
                await _store.RequeueAsync(row.Id, _workerId, row.Fence, CancellationToken.None).ConfigureAwait(false);
                _producer.Wake();
                break;
            case ActivationOutcome.Cancelled:
                await _store.CancelTreeAsync(row.Id, ExecutionState.Cancelled,
                    new ExecutionError(typeof(OperationCanceledException).FullName!, "Cancelled on request.", null, true), CancellationToken.None).ConfigureAwait(false);
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

    /// <summary>True when this worker holds the workflow in memory (it answers queries about it without a replay).</summary>
    public bool Holds(Guid workflowId) => _sticky.ContainsKey(workflowId);

    /// <summary>
    /// Answers a query from the instance this worker holds, or else from a fresh replay of the history (read-only:
    /// nothing is committed, and the replay stops at the first inline step past the history).
    /// </summary>
    public async Task<byte[]?> QueryAsync(TakenQuery query, CancellationToken cancellationToken)
    {
        if (!ExecutionRegistry.TryGet(query.WorkflowName, out var definition))
        {
            throw new InvalidOperationException($"Workflow '{query.WorkflowName}' is not registered in this worker.");
        }

        if (definition.FindHandler(WorkflowHandlerKind.Query, query.Name) is not { } handler)
        {
            throw new InvalidOperationException($"Workflow '{definition.Name}' has no [Query] named '{query.Name}'.");
        }

        // Taken out of the cache while it answers: an activation that starts meanwhile replays instead of sharing it.
        if (_sticky.TryRemove(query.WorkflowId, out var cached))
        {
            try
            {
                return await cached.QueryAsync(handler, query.Args).WaitAsync(DeadlockTimeout * 2, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _sticky.TryAdd(query.WorkflowId, cached);
            }
        }

        var state = await _store.LoadWorkflowAsync(query.WorkflowId, null, cancellationToken).ConfigureAwait(false);
        var replay = new WorkflowInstance(query.WorkflowId, query.Queue, definition, _client, _logger) { Time = Time, ReplayOnly = true };
        replay.Load(state with { Signals = [] });
        var start = new InvocationContext(query.WorkflowId, definition.Name, 1, Encoding.UTF8.GetBytes(query.WorkflowArgs), _services, _client.SerializerOptions, CancellationToken.None);
        await Task.Run(() => replay.ActivateAsync(start), cancellationToken).WaitAsync(DeadlockTimeout * 5, cancellationToken).ConfigureAwait(false);
        if (replay.Nondeterminism is { } nondeterminism)
        {
            throw new InvalidOperationException($"The replay that would answer the '{query.Name}' query failed: {nondeterminism.Message}", nondeterminism);
        }

        return await replay.QueryAsync(handler, query.Args).WaitAsync(DeadlockTimeout * 2, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the activation on a pool thread and watches it; returns an exception if the code blocked.</summary>
    private async Task<WorkflowBlockedException?> WatchAsync(WorkflowInstance instance, InvocationContext? start)
    {
        // One timer at a time, a quarter of the timeout long, not a 50 ms poll: most activations end long before it
        // fires. A slice that blocks is caught within 1.25 DeadlockTimeouts of its start.
        var activation = Task.Run(() => instance.ActivateAsync(start));
        while (!activation.IsCompleted)
        {
            try
            {
                await activation.WaitAsync(DeadlockTimeout / 4).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Still running: inline steps may take as long as they like; only a slice holding its thread is blocked.
            }

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
