using System.Text;
using System.Text.Json;
using Currant.Persistence;

namespace Currant.Workflows;

/// <summary>
/// The interactive side of a workflow instance: [Signal] and [Update] handlers, queries, <c>WaitUntil</c> and
/// signals sent to other workflows.
/// </summary>
/// <remarks>
/// Determinism: a handler runs only at a quiet point of the code (after a drain), takes the next sequence number
/// and is recorded with the number of outcomes delivered before it (<c>"d"</c> in its history row). Replay runs it
/// again at the point where both match: after the same outcomes, before the next one. New signals and updates are
/// handed to handlers only once replay has caught up with the history, in arrival order. Conditions of
/// <c>WaitUntil</c> are checked after every drain, in the order they were registered; they read only workflow
/// state, so replay settles them at the same points.
/// </remarks>
internal sealed partial class WorkflowInstance
{
    private readonly List<PendingUpdate> _updates = [];
    private readonly List<Condition> _conditions = [];
    private InvocationContext? _start;
    private int _deliveries;
    private string? _readOnly;

    /// <summary>Update state changes not committed yet.</summary>
    public List<UpdateTransition> UpdateTransitions { get; } = [];

    /// <summary>Signals to other workflows not committed yet.</summary>
    public List<OutgoingSignal> Outgoing { get; } = [];

    /// <summary>Steps of WaitUntil timers still pending whose condition was settled first, not committed yet.</summary>
    public List<int> DroppedTimers { get; } = [];

    /// <summary>Set when a [Signal] handler threw: the workflow fails with it, as when RunAsync throws.</summary>
    public Exception? HandlerFailure { get; private set; }

    private object? WorkflowObject => _start?.Workflow;

    public Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan? timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ThrowIfReadOnly("Workflow.WaitUntil(...)");
        if (condition())
        {
            return Task.FromResult(true);
        }

        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (timeout is not { } limit)
        {
            _conditions.Add(new Condition(condition, done, null));
            return done.Task;
        }

        if (limit <= TimeSpan.Zero)
        {
            return Task.FromResult(false);
        }

        // The timeout is a durable timer at its own step; whichever comes first, the condition or the timer, decides.
        var seq = _nextSeq++;
        if (Recorded(seq, "timer", SharedNames.WaitUntilTimer) is not null)
        {
            if (Nondeterminism is not null)
            {
                return new TaskCompletionSource<bool>().Task;
            }
        }
        else
        {
            var timerId = Guid.CreateVersion7();
            NewHistory.Add(new NewHistoryRow(seq, "timer", SharedNames.WaitUntilTimer, HistoryEvent.Scheduled, timerId, null, null));
            NewChildren.Add(Timer(timerId, SharedNames.WaitUntilTimer, limit, seq));
        }

        var entry = new Condition(condition, done, seq);
        _conditions.Add(entry);
        Wait(seq).ContinueWith(
            _ =>
            {
                if (_conditions.Remove(entry))
                {
                    done.TrySetResult(false);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            _scheduler);
        return done.Task;
    }

    public Task SignalExternalAsync(Guid workflowId, string name, byte[]? payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ThrowIfReadOnly($"Signal '{name}' to another workflow");
        var seq = _nextSeq++;
        if (Recorded(seq, SharedNames.SignalSentKind, name) is not null)
        {
            return Nondeterminism is not null ? Never() : Task.CompletedTask;
        }

        var json = payload is null ? null : Encoding.UTF8.GetString(payload);
        NewHistory.Add(new NewHistoryRow(seq, SharedNames.SignalSentKind, name, HistoryEvent.Completed, workflowId, json, null));
        Outgoing.Add(new OutgoingSignal(workflowId, name, json));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Answers a query on the instance as it stands (between activations): the handler runs on the scheduler and
    /// may read state only; nothing is recorded and any durable call is an error.
    /// </summary>
    public async Task<byte[]?> QueryAsync(WorkflowHandler handler, string? arguments)
    {
        if (WorkflowObject is not { } workflow)
        {
            throw new InvalidOperationException($"Workflow '{Definition.Name}' ({WorkflowId}) has not started yet; it cannot answer the '{handler.Name}' query.");
        }

        var context = new HandlerContext(handler.Name, arguments is null ? null : Encoding.UTF8.GetBytes(arguments), SerializerOptions);
        _readOnly = $"the '{handler.Name}' query";
        try
        {
            var run = Task.Factory.StartNew(() => handler.Invoke(workflow, context).AsTask(), CancellationToken.None, TaskCreationOptions.None, _scheduler).Unwrap();
            await _scheduler.DrainAsync(() => false).ConfigureAwait(false);
            if (!run.IsCompleted)
            {
                throw new InvalidOperationException($"The '{handler.Name}' query of workflow '{Definition.Name}' awaited something; a query must return at once.");
            }

            return await run.ConfigureAwait(false);
        }
        finally
        {
            _readOnly = null;
        }
    }

    /// <summary>Replays handlers recorded at this point: the next step is one and as many outcomes were delivered before it.</summary>
    private async Task DeliverRecordedHandlersAsync()
    {
        while (Nondeterminism is null && _history.TryGetValue(_nextSeq, out var e) && e.Kind is SharedNames.SignalHandledKind or SharedNames.UpdateKind)
        {
            var record = HandlerRecord.Parse(e.Result);
            if (record.Deliveries > _deliveries)
            {
                return;
            }

            var kind = e.Kind == SharedNames.UpdateKind ? WorkflowHandlerKind.Update : WorkflowHandlerKind.Signal;
            if (record.Deliveries < _deliveries || Definition.FindHandler(kind, e.Name) is not { } handler || WorkflowObject is null)
            {
                Nondeterminism = new NondeterminismException(
                    $"Workflow '{Definition.Name}' ({WorkflowId}) is not deterministic at step {e.Seq}: history ran the {kind.ToString().ToLowerInvariant()} handler '{e.Name}' there, " +
                    "but the code no longer has that handler or reached that point differently. Restore the old code path, or guard the change with Workflow.GetVersion.")
                {
                    Step = e.Seq, Expected = $"{e.Kind} '{e.Name}'", Found = "a different code path",
                };
                return;
            }

            _nextSeq++;
            _delivered.Add(e.Seq);
            if (kind == WorkflowHandlerKind.Signal)
            {
                await RunSignalHandlerAsync(handler, record.Arguments).ConfigureAwait(false);
            }
            else
            {
                await RunUpdateHandlerAsync(handler, record.Id ?? "", record.Arguments).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Hands signals with a [Signal] handler and requested updates to their handlers, in arrival order.</summary>
    private async Task DeliverNewHandlersAsync()
    {
        if (ReplayOnly || _run is null or { IsCompleted: true })
        {
            return;
        }

        if (WorkflowObject is null)
        {
            // No handlers (the generator attaches the object only when there are): every update is rejected.
            foreach (var update in _updates)
            {
                UpdateTransitions.Add(new UpdateTransition(update.UpdateId, UpdateTransition.Rejected, null, null, Error(new InvalidOperationException(
                    $"Workflow '{Definition.Name}' has no [Update] named '{update.Name}'."))));
            }

            _updates.Clear();
            return;
        }

        while (Nondeterminism is null && _nextSeq > _maxHistorySeq && !_run.IsCompleted)
        {
            var signal = _signals.FirstOrDefault(s => Definition.FindHandler(WorkflowHandlerKind.Signal, s.Name) is not null);
            var update = _updates.Count > 0 ? _updates[0] : null;
            if (signal is null && update is null)
            {
                return;
            }

            if (signal is not null && (update is null || signal.ArrivedAt <= update.ArrivedAt))
            {
                await ConsumeSignalsForEarlierWaitsAsync(s => s.Id < signal.Id).ConfigureAwait(false);
                if (Nondeterminism is not null || _run.IsCompleted)
                {
                    return;
                }

                _signals.Remove(signal);
                var seq = _nextSeq++;
                NewHistory.Add(new NewHistoryRow(seq, SharedNames.SignalHandledKind, signal.Name, HistoryEvent.Completed, null,
                    HandlerRecord.Write(_deliveries, signal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), signal.Payload), null, _clock));
                Consumed.Add(new SignalConsumption(signal.Id, seq, signal.Payload, WaitWasScheduled: false, _clock));
                await RunSignalHandlerAsync(Definition.FindHandler(WorkflowHandlerKind.Signal, signal.Name)!, signal.Payload).ConfigureAwait(false);
                continue;
            }

            await ConsumeSignalsForEarlierWaitsAsync(s => s.ArrivedAt <= update!.ArrivedAt).ConfigureAwait(false);
            if (Nondeterminism is not null || _run.IsCompleted)
            {
                return;
            }

            _updates.RemoveAt(0);
            await AcceptOrRejectAsync(update!).ConfigureAwait(false);
        }
    }

    private async Task AcceptOrRejectAsync(PendingUpdate update)
    {
        if (Definition.FindHandler(WorkflowHandlerKind.Update, update.Name) is not { } handler)
        {
            UpdateTransitions.Add(new UpdateTransition(update.UpdateId, UpdateTransition.Rejected, null, null, Error(new InvalidOperationException(
                $"Workflow '{Definition.Name}' has no [Update] named '{update.Name}'."))));
            return;
        }

        if (handler.Validate is { } validate)
        {
            var context = Context(handler, update.Args);
            var workflow = WorkflowObject!;
            _readOnly = $"the validator of update '{handler.Name}'";
            Task validated;
            try
            {
                validated = Task.Factory.StartNew(() => validate(workflow, context), CancellationToken.None, TaskCreationOptions.None, _scheduler);
                await _scheduler.DrainAsync(() => false).ConfigureAwait(false);
            }
            finally
            {
                _readOnly = null;
            }

            if (!validated.IsCompletedSuccessfully)
            {
                // Rejected: no history row, no sequence number; only the caller hears of it.
                var reason = validated.Exception?.InnerException ?? new InvalidOperationException($"The validator of update '{handler.Name}' did not finish.");
                UpdateTransitions.Add(new UpdateTransition(update.UpdateId, UpdateTransition.Rejected, null, null, Error(reason)));
                return;
            }
        }

        var seq = _nextSeq++;
        NewHistory.Add(new NewHistoryRow(seq, SharedNames.UpdateKind, update.Name, HistoryEvent.Completed, null,
            HandlerRecord.Write(_deliveries, update.UpdateId, update.Args), null, _clock));
        UpdateTransitions.Add(new UpdateTransition(update.UpdateId, UpdateTransition.Accepted, seq, null, null));
        await RunUpdateHandlerAsync(handler, update.UpdateId, update.Args).ConfigureAwait(false);
    }

    private async Task RunSignalHandlerAsync(WorkflowHandler handler, string? payload)
    {
        var context = Context(handler, payload);
        var workflow = WorkflowObject!;
        var run = Task.Factory.StartNew(() => handler.Invoke(workflow, context).AsTask(), CancellationToken.None, TaskCreationOptions.None, _scheduler).Unwrap();
        _ = run.ContinueWith(
            t => HandlerFailure ??= t.Exception?.InnerException,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            _scheduler);
        await DrainAsync().ConfigureAwait(false);
    }

    private async Task RunUpdateHandlerAsync(WorkflowHandler handler, string updateId, string? arguments)
    {
        var context = Context(handler, arguments);
        var workflow = WorkflowObject!;
        var run = Task.Factory.StartNew(() => handler.Invoke(workflow, context).AsTask(), CancellationToken.None, TaskCreationOptions.None, _scheduler).Unwrap();

        // On the scheduler, in whichever activation the handler finishes: its outcome is committed with that activation.
        _ = run.ContinueWith(
            t => UpdateTransitions.Add(t.IsCompletedSuccessfully
                ? new UpdateTransition(updateId, UpdateTransition.Completed, null, t.Result is { } bytes ? Encoding.UTF8.GetString(bytes) : null, null)
                : new UpdateTransition(updateId, UpdateTransition.Failed, null, null, Error(t.Exception?.InnerException ?? new OperationCanceledException()))),
            CancellationToken.None,
            TaskContinuationOptions.None,
            _scheduler);
        await DrainAsync().ConfigureAwait(false);
    }

    private HandlerContext Context(WorkflowHandler handler, string? payload)
        => new(handler.Name, payload is null ? null : Encoding.UTF8.GetBytes(payload), SerializerOptions);

    private static string Error(Exception exception) => CurrantStore.SerializeError(ExecutionError.From(exception, nonRetryable: true))!;

    /// <summary>Settles the first met condition (or one whose check threw); false when none is met.</summary>
    private bool SettleOneCondition()
    {
        for (var i = 0; i < _conditions.Count; i++)
        {
            var condition = _conditions[i];
            var previous = WorkflowContextAccessor.Current;
            WorkflowContextAccessor.Current = this;
            bool met;
            try
            {
                met = condition.Check();
            }
            catch (Exception ex)
            {
                _conditions.RemoveAt(i);
                DropTimer(condition);
                condition.Done.TrySetException(ex);
                return true;
            }
            finally
            {
                WorkflowContextAccessor.Current = previous;
            }

            if (met)
            {
                _conditions.RemoveAt(i);
                DropTimer(condition);
                condition.Done.TrySetResult(true);
                return true;
            }
        }

        return false;
    }

    // Nobody waits on the timer any more. A timer not fired yet (scheduled in this activation, or recorded as
    // scheduled) is cancelled in the commit (CancelWaitTimers), so it never fires into a step nobody waits on and
    // costs no activation. Replay skips its recorded outcome as it would a late one: nobody waits on the step.
    private void DropTimer(Condition condition)
    {
        if (condition.TimerSeq is { } seq)
        {
            _waiting.Remove(seq);
            if (!_history.TryGetValue(seq, out var recorded) || recorded.State == HistoryEvent.Scheduled)
            {
                DroppedTimers.Add(seq);
            }
        }
    }

    private void ThrowIfReadOnly(string member)
    {
        if (_readOnly is { } where)
        {
            throw new InvalidOperationException(
                $"{member} was called from {where}. Queries and update validators only read the workflow's state: " +
                "they cannot sleep, wait, run activities or record anything.");
        }
    }

    /// <summary>At most one transition per update: the latest state, keeping the step an acceptance recorded.</summary>
    private static IReadOnlyList<UpdateTransition> CollapseUpdates(List<UpdateTransition> transitions)
    {
        if (transitions.Count <= 1)
        {
            return [.. transitions];
        }

        var merged = new Dictionary<string, UpdateTransition>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var t in transitions)
        {
            if (merged.TryGetValue(t.UpdateId, out var earlier))
            {
                merged[t.UpdateId] = t with { Seq = t.Seq ?? earlier.Seq };
            }
            else
            {
                merged[t.UpdateId] = t;
                order.Add(t.UpdateId);
            }
        }

        return [.. order.Select(id => merged[id])];
    }

    /// <summary>A <c>WaitUntil</c> still waiting: its check, its result and the step of its timeout timer.</summary>
    private sealed record Condition(Func<bool> Check, TaskCompletionSource<bool> Done, int? TimerSeq);

    /// <summary>
    /// The result column of a handler's history row: outcomes delivered before it (<c>d</c>), the signal or update id,
    /// and the payload (<c>args</c>), which replay hands to the handler again.
    /// </summary>
    private sealed record HandlerRecord(int Deliveries, string? Id, string? Arguments)
    {
        public static string Write(int deliveries, string id, string? payload)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteNumber("d", deliveries);
                writer.WriteString("id", id);
                writer.WritePropertyName("args");
                if (payload is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteRawValue(payload, skipInputValidation: true);
                }

                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        public static HandlerRecord Parse(string? json)
        {
            if (json is null)
            {
                return new HandlerRecord(0, null, null);
            }

            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var args = root.TryGetProperty("args", out var a) && a.ValueKind != JsonValueKind.Null ? a.GetRawText() : null;
            return new HandlerRecord(root.GetProperty("d").GetInt32(), root.TryGetProperty("id", out var id) ? id.GetString() : null, args);
        }
    }
}
