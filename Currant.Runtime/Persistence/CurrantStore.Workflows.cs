using Currant.Persistence.Queries;
using Currant.Workflows;
using Npgsql;
using NpgsqlTypes;

namespace Currant.Persistence;

internal sealed partial class CurrantStore
{
    /// <summary>
    /// History (all of it, or only what is newer than <paramref name="since"/>), buffered signals and the wake
    /// counter of a workflow, in one round trip. The counter is read first: each statement of the batch sees its own
    /// snapshot, and every wake (an outcome, a signal, an update) moves the counter in the transaction that stores
    /// what it brings. Read first, a counter never counts a wake whose outcome or signal the later reads miss; the
    /// activation that then suspends finds the counter moved and goes back to pending (WorkflowQueries.Finish).
    /// </summary>
    public async Task<WorkflowState> LoadWorkflowAsync(Guid id, HistoryCursor? since, CancellationToken cancellationToken, bool withUpdates = false)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        Add(batch, WorkflowQueries.LoadWorkflow, id);
        var history = Add(batch, WorkflowQueries.LoadHistory, id);
        history.Parameters.AddWithValue("full", since is null);
        history.Parameters.AddWithValue("max_seq", since?.MaxSeq ?? 0);
        history.Parameters.AddWithValue("min_version_seq", since?.MinVersionSeq ?? 0);
        history.Parameters.AddWithValue("max_order", since?.MaxOrder ?? 0L);
        Add(batch, WorkflowQueries.LoadSignals, id);
        if (withUpdates)
        {
            Add(batch, InteractionQueries.LoadUpdates, id);
        }

        var updates = new List<PendingUpdate>();
        var events = new List<HistoryEvent>();
        var signals = new List<BufferedSignal>();
        var wakeCount = 0;
        var createdAt = DateTimeOffset.UtcNow;
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            (wakeCount, createdAt) = WorkflowQueries.ReadWorkflow(reader);
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(WorkflowQueries.ReadHistoryEvent(reader));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            signals.Add(WorkflowQueries.ReadBufferedSignal(reader));
        }

        if (withUpdates && await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                updates.Add(InteractionQueries.ReadPendingUpdate(reader));
            }
        }

        return new WorkflowState(events, signals, wakeCount, createdAt, Partial: since is not null) { Updates = updates };
    }

    /// <summary>
    /// Commits an activation: new history, signal consumption, children and the workflow's next state, all or
    /// nothing, fenced by (worker, activation). Pending children are announced on commit.
    /// </summary>
    /// <remarks>A commit that finishes the workflow also returns its row as it wrote it (<see cref="GetAsync"/>'s shape).</remarks>
    public async Task<(ActivationOutcome Outcome, ExecutionInfo? Finished)> CommitActivationAsync(ActivationCommit commit, CancellationToken cancellationToken)
    {
        // One round trip: a batch is one implicit transaction (an explicit one when it finishes the workflow, so its
        // NOTIFY can follow the commit), and a failed check (currant.require) or a unique violation rolls all of it back.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);

        // Results are read by position: the Finish statement's is the one that says what happened. The reader
        // yields a result set only for statements that return rows: the fence, each signal wait, the consumption.
        var finishIndex = AddFuse(batch, commit.WorkflowId, commit.WorkerId, commit.Fused, lockOnly: true)
            + AddCommands(batch, commit.WorkflowId, commit.WorkerId, commit.Fence, commit.Commands, commit.TraceContext, fenced: commit.Fused is null);
        if (commit.Tags is { } tags)
        {
            AddPositional(batch, WorkflowQueries.MergeTags, commit.WorkflowId).Parameters.Add(Jsonb(tags));
        }

        if (commit.MarkHandlesCancel)
        {
            AddPositional(batch, WorkflowQueries.MarkHandlesCancel, commit.WorkflowId);
        }

        if (commit.ContinueAs is { } next)
        {
            var continuation = AddPositional(batch, WorkflowQueries.ContinueAsNew, commit.WorkflowId);
            continuation.Parameters.Add(new NpgsqlParameter<Guid>() { TypedValue = next.NextId });
            continuation.Parameters.Add(Jsonb(next.Arguments));
            finishIndex++;
        }

        var finished = commit.State is ExecutionState.Completed or ExecutionState.Failed or ExecutionState.Cancelled;
        var finish = AddPositional(batch, (commit.Fused is null, finished) switch
        {
            (true, false) => WorkflowQueries.Finish,
            (true, true) => WorkflowQueries.FinishReturningRow,
            (false, false) => WorkflowQueries.FinishFused,
            (false, true) => WorkflowQueries.FinishFusedReturningRow,
        }, commit.WorkflowId);
        finish.Parameters.Add(new NpgsqlParameter<string>() { TypedValue = commit.State.ToDb() });
        finish.Parameters.Add(Jsonb(commit.Result));
        finish.Parameters.Add(Jsonb(commit.Error));
        if (commit.Fused is { } fused)
        {
            finish.Parameters.Add(new NpgsqlParameter<int>() { TypedValue = fused.PreviousFence });
        }
        else
        {
            finish.Parameters.Add(new NpgsqlParameter<int>() { TypedValue = commit.SeenWakeCount });
            finish.Parameters.Add(new NpgsqlParameter<Guid>() { TypedValue = commit.WorkerId });
            finish.Parameters.Add(new NpgsqlParameter<int>() { TypedValue = commit.Fence });
        }

        if (commit.State == ExecutionState.Cancelled)
        {
            AddPositional(batch, WorkflowQueries.CancelChildren, commit.WorkflowId).Parameters.Add(Jsonb(commit.Error));
        }

        if (finished && commit.CancelTimers)
        {
            Add(batch, WorkflowQueries.CancelTimers, commit.WorkflowId);
        }

        AddNotify(batch, commit.WorkflowId, commit.Commands);
        if (finished)
        {
            // Whoever awaits the result hears of it once it is durable; the NOTIFY does not hold other commits back.
            NotifyAfterCommit.Split(batch);
            AddPositional(batch, WorkflowQueries.NotifyFinished, commit.WorkflowId);
        }

        string? state = null;
        ExecutionInfo? row = null;
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var index = 0;
            do
            {
                if (index++ == finishIndex && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (finished)
                    {
                        row = ExecutionQueries.ReadInfo(reader);
                        state = row.State.ToDb();
                    }
                    else
                    {
                        state = WorkflowQueries.ReadFinish(reader);
                    }
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (PostgresException ex) when (Refusal(ex) is { } refused)
        {
            return (refused, null);
        }

        if (state is null)
        {
            return (ActivationOutcome.Fenced, null);
        }

        var woken = commit.State == ExecutionState.Suspended && state == "pending";
        return (woken ? ActivationOutcome.CommittedAndWoken : ActivationOutcome.Committed, row);
    }

    /// <summary>
    /// Commits the checkpoints of several running workflows in one round trip (group commit: one fsync for all).
    /// When PostgreSQL refuses the batch, it is split until the checkpoint that caused it stands alone, so one
    /// workflow's lost fence or unstorable value never holds back the others. Outcomes come back in input order,
    /// with the exception of a checkpoint whose value PostgreSQL refused; the database being away throws.
    /// </summary>
    public async Task<IReadOnlyList<(ActivationOutcome Outcome, Exception? Refused)>> CommitCheckpointsAsync(
        IReadOnlyList<Checkpoint> checkpoints, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            var steps = checkpoints.ToLookup(IsSteps);
            var batched = steps[true].Count() > 1;
            if (batched)
            {
                AddSteps(batch, [.. steps[true]]);
            }

            foreach (var c in batched ? steps[false] : checkpoints)
            {
                AddFuse(batch, c.WorkflowId, c.WorkerId, c.Fused, lockOnly: false);
                AddCommands(batch, c.WorkflowId, c.WorkerId, c.Fence, c.Commands, c.TraceContext, fenced: c.Fused is null);
                AddNotify(batch, c.WorkflowId, c.Commands);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return [.. checkpoints.Select(_ => (ActivationOutcome.Committed, (Exception?)null))];
        }
        catch (PostgresException ex) when (checkpoints.Count > 1 && (Refusal(ex) is not null || StoreErrors.IsRefusedValue(ex)))
        {
            var half = checkpoints.Count / 2;
            var first = await CommitCheckpointsAsync(checkpoints.Take(half).ToArray(), cancellationToken).ConfigureAwait(false);
            var second = await CommitCheckpointsAsync(checkpoints.Skip(half).ToArray(), cancellationToken).ConfigureAwait(false);
            return [.. first, .. second];
        }
        catch (PostgresException ex) when (Refusal(ex) is { } refused)
        {
            return [(refused, null)];
        }
        catch (PostgresException ex) when (StoreErrors.IsRefusedValue(ex))
        {
            return [(ActivationOutcome.Fenced, ex)];
        }
    }

    /// <summary>
    /// A checkpoint that records a step and the activity that ran and finished for it inside the activation, and
    /// nothing else: the common checkpoint of a workflow of activities, which <see cref="AddSteps"/> writes together
    /// with others of its kind. Checkpoints of inline steps alone stay one statement each: merged, they were no faster
    /// (three alternating rounds of 1,000 and of 3,000 workflows; docs/benchmarks.md), while an activity's row, an
    /// insert into executions with its partial indexes, gains from sharing one statement.
    /// </summary>
    private static bool IsSteps(Checkpoint c)
        => c is { Fused: null, Commands: { History.Count: > 0, Consumed: [], Updates: [], Outgoing: [], CancelledTimers: [] } commands }
           && commands.Children is [{ Ran.State: ExecutionState.Completed or ExecutionState.Failed or ExecutionState.Cancelled }];

    /// <summary>
    /// Several checkpoints of activity steps (<see cref="IsSteps"/>) in two statements instead of two each: their
    /// fenced history rows (<see cref="WorkflowQueries.FencedHistoryRows"/>, each row with its workflow's fence), then
    /// the activities that ran for them (<see cref="WorkflowQueries.InsertRanChildren"/>). Neither yields a result set.
    /// </summary>
    private static void AddSteps(NpgsqlBatch batch, IReadOnlyList<Checkpoint> steps)
    {
        var each = steps.SelectMany(c => c.Commands.History.Select(row => (Checkpoint: c, Row: row))).ToArray();
        var rows = each.Select(e => e.Row).ToArray();
        var history = new NpgsqlBatchCommand(WorkflowQueries.FencedHistoryRows);
        var p = history.Parameters;
        p.AddWithValue("ids", each.Select(e => e.Checkpoint.WorkflowId).ToArray());
        p.AddWithValue("worker_ids", each.Select(e => e.Checkpoint.WorkerId).ToArray());
        p.AddWithValue("fences", each.Select(e => e.Checkpoint.Fence).ToArray());
        p.AddWithValue("seqs", rows.Select(r => r.Seq).ToArray());
        p.AddWithValue("kinds", rows.Select(r => r.Kind).ToArray());
        p.AddWithValue("names", rows.Select(r => r.Name).ToArray());
        p.AddWithValue("states", rows.Select(r => r.State).ToArray());
        p.AddWithValue("child_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid, rows.Select(r => r.ChildId).ToArray());
        p.AddWithValue("results", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, rows.Select(r => r.Result).ToArray());
        p.AddWithValue("errors", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, rows.Select(r => r.Error).ToArray());
        p.AddWithValue("ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, rows.Select(r => r.CompletedAt).ToArray());
        batch.BatchCommands.Add(history);

        var children = steps.Select(c => c.Commands.Children[0]).ToArray();
        var attempts = children.Select(c => c.Ran!).ToArray();
        var insert = new NpgsqlBatchCommand(WorkflowQueries.InsertRanChildren);
        var q = insert.Parameters;
        q.AddWithValue("child_ids", children.Select(c => c.Id).ToArray());
        q.AddWithValue("kinds", children.Select(c => c.Kind.ToDb()).ToArray());
        q.AddWithValue("names", children.Select(c => c.Name).ToArray());
        q.AddWithValue("queues", children.Select(c => c.Queue).ToArray());
        q.AddWithValue("priorities", children.Select(c => c.Priority).ToArray());
        q.AddWithValue("states", attempts.Select(a => a.State.ToDb()).ToArray());
        q.AddWithValue("args", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, children.Select(c => c.Arguments).ToArray());
        q.AddWithValue("results", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, attempts.Select(a => a.Result).ToArray());
        q.AddWithValue("errors", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, attempts.Select(a => a.Error).ToArray());
        q.AddWithValue("attempts", attempts.Select(a => a.Spent ? 1 : 0).ToArray());
        q.AddWithValue("max_attempts", children.Select(c => c.MaxAttempts).ToArray());
        q.AddWithValue("timeouts", NpgsqlDbType.Array | NpgsqlDbType.Integer,
            children.Select(c => ToMilliseconds(c.Timeout)).ToArray());
        q.AddWithValue("delays", children.Select(c => c.Delay < TimeSpan.Zero ? TimeSpan.Zero : c.Delay).ToArray());
        q.AddWithValue("started_ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, attempts.Select(a => a.StartedAt).ToArray());
        q.AddWithValue("parent_ids", steps.Select(c => c.WorkflowId).ToArray());
        q.AddWithValue("parent_seqs", NpgsqlDbType.Array | NpgsqlDbType.Integer, children.Select(c => c.ParentSeq).ToArray());
        q.AddWithValue("trace_contexts", NpgsqlDbType.Array | NpgsqlDbType.Text, steps.Select(c => c.TraceContext).ToArray());
        q.AddWithValue("retry_policies", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, children.Select(c => c.RetryPolicy).ToArray());
        q.AddWithValue("heartbeat_timeouts", NpgsqlDbType.Array | NpgsqlDbType.Integer, children.Select(c => ToMilliseconds(c.HeartbeatTimeout)).ToArray());
        q.AddWithValue("heartbeat_details", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, attempts.Select(a => a.HeartbeatDetails).ToArray());
        batch.BatchCommands.Add(insert);
    }

    /// <summary>What a commit that PostgreSQL aborted on purpose means, or null for any other error.</summary>
    private static ActivationOutcome? Refusal(PostgresException ex) => ex.SqlState switch
    {
        "CU001" => ex.MessageText switch
        {
            "cancelled" => ActivationOutcome.Cancelled,
            "conflict" => ActivationOutcome.Conflict,
            _ => ActivationOutcome.Fenced,
        },

        // History already has one of these steps: another activation got there first.
        PostgresErrorCodes.UniqueViolation => ActivationOutcome.Conflict,
        _ => null,
    };

    /// <summary>
    /// Adds the statements of a fused step (none without one); returns how many result sets they yield. A checkpoint
    /// takes the workflow (it keeps running); a final commit only locks it (<see cref="WorkflowQueries.FinishFused"/> moves it).
    /// </summary>
    private static int AddFuse(NpgsqlBatch batch, Guid id, Guid workerId, FusedOutcome? fused, bool lockOnly)
    {
        if (fused is null)
        {
            return 0;
        }

        var take = Add(batch, lockOnly ? WorkflowQueries.FuseLock : WorkflowQueries.FuseTake, id);
        if (!lockOnly)
        {
            take.Parameters.AddWithValue("worker_id", workerId);
        }

        take.Parameters.AddWithValue("seen_wake_count", fused.SeenWakeCount);
        take.Parameters.AddWithValue("previous_fence", fused.PreviousFence);

        var historyState = fused.State == ExecutionState.Completed ? HistoryEvent.Completed : HistoryEvent.Failed;
        var record = Add(batch, WorkflowQueries.FuseRecord, id);
        record.Parameters.AddWithValue("state", historyState);
        record.Parameters.AddWithValue("result", NpgsqlDbType.Jsonb, fused.Result ?? (object)DBNull.Value);
        record.Parameters.AddWithValue("error", NpgsqlDbType.Jsonb, fused.Error ?? (object)DBNull.Value);
        record.Parameters.AddWithValue("at", fused.At);
        record.Parameters.AddWithValue("seq", fused.Seq);
        record.Parameters.AddWithValue("child_id", fused.ChildId);

        var complete = Add(batch, WorkflowQueries.FuseComplete, id);
        complete.Parameters.AddWithValue("state", fused.State.ToDb());
        complete.Parameters.AddWithValue("result", NpgsqlDbType.Jsonb, fused.Result ?? (object)DBNull.Value);
        complete.Parameters.AddWithValue("error", NpgsqlDbType.Jsonb, fused.Error ?? (object)DBNull.Value);
        complete.Parameters.AddWithValue("child_id", fused.ChildId);
        complete.Parameters.AddWithValue("worker_id", workerId);
        complete.Parameters.AddWithValue("child_attempt", fused.ChildAttempt);
        return 3;
    }

    /// <summary>
    /// Adds the fence (unless a fused step took the workflow in this same batch) and the statements that write
    /// <paramref name="commands"/>; returns how many result sets they yield (the fence when it stands alone, each
    /// signal wait, the consumption), so the caller can find its own statement's.
    /// </summary>
    private static int AddCommands(NpgsqlBatch batch, Guid id, Guid workerId, int fenceToken, ActivationCommands commands, string? traceContext, bool fenced)
    {
        // History rows carry the fence in their own statement; without any, the fence is a statement of its own, the
        // only one here that yields a result set.
        var fenceAlone = fenced && commands.History.Count == 0;
        if (fenceAlone)
        {
            var fence = AddPositional(batch, WorkflowQueries.Fence, id);
            fence.Parameters.Add(new NpgsqlParameter<Guid>() { TypedValue = workerId });
            fence.Parameters.Add(new NpgsqlParameter<int>() { TypedValue = fenceToken });
        }

        if (commands.History is [var row])
        {
            var history = AddPositional(batch, fenced ? WorkflowQueries.FencedHistoryRow : WorkflowQueries.InsertHistoryRow, id);
            history.Parameters.Add(new NpgsqlParameter<int>() { TypedValue = row.Seq });
            history.Parameters.Add(new NpgsqlParameter<string>() { TypedValue = row.Kind });
            history.Parameters.Add(new NpgsqlParameter<string>() { TypedValue = row.Name });
            history.Parameters.Add(new NpgsqlParameter<string>() { TypedValue = row.State });
            history.Parameters.Add(new NpgsqlParameter<Guid?>() { NpgsqlDbType = NpgsqlDbType.Uuid, TypedValue = row.ChildId });
            history.Parameters.Add(Jsonb(row.Result));
            history.Parameters.Add(Jsonb(row.Error));
            history.Parameters.Add(new NpgsqlParameter<DateTime?>() { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = row.CompletedAt });
            if (fenced)
            {
                history.Parameters.Add(new NpgsqlParameter<Guid>() { TypedValue = workerId });
                history.Parameters.Add(new NpgsqlParameter<int>() { TypedValue = fenceToken });
            }
        }
        else if (commands.History.Count > 0)
        {
            var history = Add(batch, fenced ? WorkflowQueries.FencedHistory : WorkflowQueries.InsertHistory, id);
            if (fenced)
            {
                history.Parameters.AddWithValue("worker_id", workerId);
                history.Parameters.AddWithValue("fence", fenceToken);
            }

            var rows = commands.History;
            history.Parameters.AddWithValue("seqs", rows.Select(r => r.Seq).ToArray());
            history.Parameters.AddWithValue("kinds", rows.Select(r => r.Kind).ToArray());
            history.Parameters.AddWithValue("names", rows.Select(r => r.Name).ToArray());
            history.Parameters.AddWithValue("states", rows.Select(r => r.State).ToArray());
            history.Parameters.AddWithValue("child_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid, rows.Select(r => r.ChildId).ToArray());
            history.Parameters.AddWithValue("results", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, rows.Select(r => r.Result).ToArray());
            history.Parameters.AddWithValue("errors", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, rows.Select(r => r.Error).ToArray());
            history.Parameters.AddWithValue("ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, rows.Select(r => r.CompletedAt).ToArray());
        }

        var waits = 0;
        foreach (var consumed in commands.Consumed.Where(c => c.WaitWasScheduled).OrderBy(c => c.Seq))
        {
            waits++;
            var wait = Add(batch, WorkflowQueries.CompleteSignalWait, id);
            wait.Parameters.AddWithValue("seq", consumed.Seq);
            wait.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, consumed.Payload ?? (object)DBNull.Value);
            wait.Parameters.AddWithValue("at", consumed.At);
        }

        if (commands.Consumed.Count > 0)
        {
            var signals = Add(batch, WorkflowQueries.ConsumeSignals, id);
            signals.Parameters.AddWithValue("signal_ids", commands.Consumed.Select(c => c.SignalId).ToArray());
            signals.Parameters.AddWithValue("seqs", commands.Consumed.Select(c => c.Seq).ToArray());
        }

        var ranHere = 0;
        foreach (var ran in commands.Children)
        {
            if (ran.Ran is not { } attempt)
            {
                continue;
            }

            ranHere++;
            var child = AddPositional(batch, WorkflowQueries.InsertRanChild, id);
            AddChildColumns(child, ran, traceContext);
            child.Parameters.Add(new NpgsqlParameter<string>() { TypedValue = attempt.State.ToDb() });
            child.Parameters.Add(Jsonb(attempt.Result));
            child.Parameters.Add(Jsonb(attempt.Error));
            child.Parameters.Add(new NpgsqlParameter<int>() { TypedValue = attempt.Spent ? 1 : 0 });
            child.Parameters.Add(new NpgsqlParameter<DateTime>() { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = attempt.StartedAt });
            AddPolicyColumns(child, ran);
            child.Parameters.Add(Jsonb(attempt.HeartbeatDetails));
        }

        IReadOnlyList<NewChild> queued = ranHere == 0 ? commands.Children : [.. commands.Children.Where(c => c.Ran is null)];
        if (queued is [{ IdempotencyKey: null } only])
        {
            var child = AddPositional(batch, WorkflowQueries.InsertChild, id);
            AddChildColumns(child, only, traceContext);
            child.Parameters.Add(new NpgsqlParameter<Guid>() { TypedValue = workerId });
            child.Parameters.Add(new NpgsqlParameter<bool>() { TypedValue = only.Eager });
            AddPolicyColumns(child, only);
        }
        else if (queued.Count > 0)
        {
            var children = Add(batch, WorkflowQueries.InsertChildren, id);
            var c = queued;
            children.Parameters.AddWithValue("worker_id", workerId);
            children.Parameters.AddWithValue("trace_context", NpgsqlDbType.Text, traceContext ?? (object)DBNull.Value);
            children.Parameters.AddWithValue("child_ids", c.Select(x => x.Id).ToArray());
            children.Parameters.AddWithValue("kinds", c.Select(x => x.Kind.ToDb()).ToArray());
            children.Parameters.AddWithValue("names", c.Select(x => x.Name).ToArray());
            children.Parameters.AddWithValue("queues", c.Select(x => x.Queue).ToArray());
            children.Parameters.AddWithValue("priorities", c.Select(x => x.Priority).ToArray());
            children.Parameters.AddWithValue("args", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, c.Select(x => x.Arguments).ToArray());
            children.Parameters.AddWithValue("max_attempts", c.Select(x => x.MaxAttempts).ToArray());
            children.Parameters.AddWithValue("timeouts", NpgsqlDbType.Array | NpgsqlDbType.Integer,
                c.Select(x => ToMilliseconds(x.Timeout)).ToArray());
            children.Parameters.AddWithValue("delays", c.Select(x => x.Delay < TimeSpan.Zero ? TimeSpan.Zero : x.Delay).ToArray());
            children.Parameters.AddWithValue("parent_seqs", NpgsqlDbType.Array | NpgsqlDbType.Integer, c.Select(x => x.ParentSeq).ToArray());
            children.Parameters.AddWithValue("keys", NpgsqlDbType.Array | NpgsqlDbType.Text, c.Select(x => x.IdempotencyKey).ToArray());
            children.Parameters.AddWithValue("eager", c.Select(x => x.Eager).ToArray());
            children.Parameters.AddWithValue("retry_policies", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, c.Select(x => x.RetryPolicy).ToArray());
            children.Parameters.AddWithValue("heartbeat_timeouts", NpgsqlDbType.Array | NpgsqlDbType.Integer, c.Select(x => ToMilliseconds(x.HeartbeatTimeout)).ToArray());
        }

        if (commands.CancelledTimers.Count > 0)
        {
            // After the children: a timer scheduled in this same activation is cancelled too. The history first, so
            // the child_finished trigger finds no scheduled step and wakes nobody. Neither yields a result set.
            var seqs = commands.CancelledTimers.ToArray();
            Add(batch, WorkflowQueries.CancelWaitTimerSteps, id).Parameters.AddWithValue("timer_seqs", seqs);
            Add(batch, WorkflowQueries.CancelWaitTimers, id).Parameters.AddWithValue("timer_seqs", seqs);
        }

        return (fenceAlone ? 1 : 0) + waits + (commands.Consumed.Count > 0 ? 1 : 0) + AddInteractions(batch, id, commands);
    }

    /// <summary>
    /// $2..$12 of <see cref="WorkflowQueries.InsertChild"/> and <see cref="WorkflowQueries.InsertRanChild"/>: trace
    /// context, child id, kind, name, queue, priority, args, max attempts, timeout, delay, parent seq.
    /// </summary>
    private static void AddChildColumns(NpgsqlBatchCommand child, NewChild only, string? traceContext)
    {
        child.Parameters.Add(new NpgsqlParameter<string?>() { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = traceContext });
        child.Parameters.Add(new NpgsqlParameter<Guid>() { TypedValue = only.Id });
        child.Parameters.Add(new NpgsqlParameter<string>() { TypedValue = only.Kind.ToDb() });
        child.Parameters.Add(new NpgsqlParameter<string>() { TypedValue = only.Name });
        child.Parameters.Add(new NpgsqlParameter<string>() { TypedValue = only.Queue });
        child.Parameters.Add(new NpgsqlParameter<int>() { TypedValue = only.Priority });
        child.Parameters.Add(new NpgsqlParameter<string>() { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = only.Arguments });
        child.Parameters.Add(new NpgsqlParameter<int>() { TypedValue = only.MaxAttempts });
        child.Parameters.Add(new NpgsqlParameter<int?>()
        {
            NpgsqlDbType = NpgsqlDbType.Integer,
            TypedValue = ToMilliseconds(only.Timeout),
        });
        child.Parameters.Add(new NpgsqlParameter<TimeSpan>() { TypedValue = only.Delay < TimeSpan.Zero ? TimeSpan.Zero : only.Delay });
        child.Parameters.Add(new NpgsqlParameter<int?>() { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = only.ParentSeq });
    }

    /// <summary>The retry_policy and heartbeat_timeout_ms of a child (db/0009), after its other positional parameters.</summary>
    private static void AddPolicyColumns(NpgsqlBatchCommand child, NewChild only)
    {
        child.Parameters.Add(Jsonb(only.RetryPolicy));
        child.Parameters.Add(new NpgsqlParameter<int?>() { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = ToMilliseconds(only.HeartbeatTimeout) });
    }

    /// <summary>A positional jsonb parameter (null when <paramref name="json"/> is).</summary>
    private static NpgsqlParameter<string?> Jsonb(string? json) => new() { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = json };

    /// <summary>
    /// Announces the queues of children that are due now and not dispatched here, and (currant_due) when the earliest
    /// delayed child of each queue falls due.
    /// </summary>
    private static void AddNotify(NpgsqlBatch batch, Guid id, ActivationCommands commands)
    {
        if (commands.Children.Count == 0)
        {
            return;
        }

        // An activity that ran inside the activation and finished is nobody's work any more.
        var waiting = commands.Children.Where(c => !c.Eager && c.Ran is null or { State: ExecutionState.Pending }).ToArray();
        var wake = waiting.Where(c => c.Delay <= TimeSpan.Zero).Select(c => c.Queue).Distinct().ToArray();
        if (wake.Length > 0)
        {
            var notify = Add(batch, WorkflowQueries.NotifyQueues, id);
            notify.Parameters.AddWithValue("queues", wake);
        }

        var due = waiting.Where(c => c.Delay > TimeSpan.Zero).GroupBy(c => c.Queue, StringComparer.Ordinal).ToArray();
        if (due.Length > 0)
        {
            var notify = Add(batch, WorkflowQueries.NotifyDue, id);
            notify.Parameters.AddWithValue("due_queues", due.Select(g => g.Key).ToArray());
            notify.Parameters.AddWithValue("due_delays", due.Select(g => g.Min(c => c.Delay)).ToArray());
        }
    }

    /// <summary>A statement with positional parameters, $1 the workflow's id: Npgsql sends its SQL as it is, unparsed.</summary>
    private static NpgsqlBatchCommand AddPositional(NpgsqlBatch batch, string sql, Guid id)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>() { TypedValue = id });
        batch.BatchCommands.Add(command);
        return command;
    }

    private static NpgsqlBatchCommand Add(NpgsqlBatch batch, string sql, Guid id)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("id", id);
        batch.BatchCommands.Add(command);
        return command;
    }

    /// <summary>Puts a workflow back to pending after a conflicting commit (nothing was written).</summary>
    public async Task RequeueAsync(Guid id, Guid workerId, int fence, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkflowQueries.Requeue);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("worker_id", workerId);
        command.Parameters.AddWithValue("fence", fence);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends an execution and its descendants (see <c>currant.cancel_tree</c>).</summary>
    public async Task<int> CancelTreeAsync(Guid id, ExecutionState finalState, ExecutionError reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkflowQueries.CancelTree);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("state", finalState.ToDb());
        command.Parameters.AddWithValue("error", SerializeError(reason));
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<long> ResumeParkedAsync(string[] queues, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkflowQueries.ResumeParked);
        command.Parameters.AddWithValue("queues", queues);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<(SignalOutcome Outcome, Guid? Run)> SignalAsync(Guid id, string name, string? payload, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkflowQueries.Signal);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, payload ?? (object)DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return WorkflowQueries.ReadSignalOutcome(reader);
    }

    public async Task<IReadOnlyList<HistoryRow>> GetHistoryAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkflowQueries.History);
        command.Parameters.AddWithValue("id", id);
        var rows = new List<HistoryRow>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(WorkflowQueries.ReadHistoryRow(r));
        }

        return rows;
    }

    public async Task<bool> RetryAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WorkflowQueries.Retry);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
    }
}
