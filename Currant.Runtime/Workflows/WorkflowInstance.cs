using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Currant.Persistence;
using Microsoft.Extensions.Logging;

namespace Currant.Workflows;

/// <summary>
/// One workflow in memory: its code running on a <see cref="WorkflowScheduler"/>, the history it replays from and
/// the commands of the current activation. Kept between activations by the worker that owns it (sticky), so a new
/// outcome costs a resume, not a replay; a fresh instance fed the same history reaches the same state.
/// </summary>
/// <remarks>
/// Determinism rules: every durable call takes the next sequence number in call order; an outcome recorded with the
/// call (inline steps, versions, a signal that was waiting) completes the call synchronously; an outcome that
/// arrived later is delivered in <see cref="HistoryEvent.Order"/> order, draining the scheduler after each one, in
/// the first run and in every replay alike. Replay-safe values take no sequence number: <see cref="UtcNow"/> is the
/// workflow clock (the first run's start, then the time each delivered outcome or finished step recorded),
/// <see cref="NewGuid"/> and <see cref="Random"/> derive from the workflow id and a counter. An inline step's result
/// is committed (<see cref="Checkpointer"/>) before the next step body starts, so a finished step never runs again.
/// An activity this worker can run (<see cref="Activities"/>) runs inside the activation like a step: its outcome is
/// recorded with the call and committed with the next checkpoint or the activation (one commit per step, no claim,
/// no wake-up); one that fails with attempts left, or cannot run here, is scheduled the durable way.
/// </remarks>
internal sealed partial class WorkflowInstance : IWorkflowContext
{
    private readonly WorkflowScheduler _scheduler;
    private readonly Dictionary<int, HistoryEvent> _history = [];
    private readonly Dictionary<string, int> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<int, TaskCompletionSource<HistoryEvent>> _waiting = [];
    private readonly Dictionary<int, string> _signalWaits = [];
    private readonly HashSet<int> _delivered = [];
    private readonly List<BufferedSignal> _signals = [];
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly SortedDictionary<string, string> _newTags = new(StringComparer.Ordinal);
    private int _nextSeq = 1;
    private int _maxHistorySeq;
    private int _minVersionSeq;
    private long _maxOrder;
    private int _guids;
    private int _outstanding;
    private int _uncommittedSteps;
    private int _activitiesRunningHere;
    private DateTime _clock;
    private bool _started;
    private Task<byte[]?>? _run;

    public WorkflowInstance(Guid id, string queue, ExecutionDefinition definition, CurrantClient client, ILogger logger)
    {
        WorkflowId = id;
        QueueName = queue;
        Definition = definition;
        ClientImpl = client;
        _logger = new ReplayAwareLogger(logger, () => IsReplaying);
        _scheduler = new WorkflowScheduler(this);
        Random = new Random(BitConverter.ToInt32(SHA256.HashData(id.ToByteArray()), 0));
    }

    public Guid WorkflowId { get; }

    public string QueueName { get; }

    public ExecutionDefinition Definition { get; }

    private CurrantClient ClientImpl { get; }

    public ICurrantClient Client => ClientImpl;

    public JsonSerializerOptions SerializerOptions => ClientImpl.SerializerOptions;

    public ILogger Logger => _logger;

    public Random Random { get; }

    public bool IsReplaying => _nextSeq <= _maxHistorySeq;

    /// <summary>The scheduler, watched by the runner to detect code that blocks without yielding.</summary>
    public WorkflowScheduler Scheduler => _scheduler;

    /// <summary>Set when replayed code stopped matching its history; the activation parks the workflow.</summary>
    public NondeterminismException? Nondeterminism { get; private set; }

    /// <summary>What this instance knows of its history, so a later activation loads only what is newer.</summary>
    public HistoryCursor Cursor => new(_maxHistorySeq, _minVersionSeq, _maxOrder);

    /// <summary>
    /// True when <paramref name="newer"/> (loaded past <see cref="Cursor"/>) holds only outcomes of calls this instance
    /// made: nothing was written by an activation elsewhere, so the instance can resume instead of replaying.
    /// </summary>
    public bool CanResumeWith(IReadOnlyList<HistoryEvent> newer)
        => newer.All(e => e.Kind == "version" ? e.Seq >= _minVersionSeq : e.Seq <= _maxHistorySeq);

    public Task<byte[]?>? Run => _run;

    /// <summary>True while the code awaits a durable outcome that has not arrived, or a condition (WaitUntil).</summary>
    public bool IsWaiting => _waiting.Count > 0 || _conditions.Count > 0;

    // Commands of the current activation not committed yet.
    public List<NewHistoryRow> NewHistory { get; } = [];

    public List<NewChild> NewChildren { get; } = [];

    public List<SignalConsumption> Consumed { get; } = [];

    /// <summary>
    /// Set by the runner for each activation: commits the commands so far (fenced) before the next inline step
    /// body starts. Commits of concurrent workflows are grouped.
    /// </summary>
    public Func<ActivationCommands, Task<ActivationOutcome>>? Checkpointer { get; set; }

    /// <summary>True once the workflow may have a timer pending (a sleep, a signal wait with a timeout): its finish cancels them.</summary>
    public bool MayHaveTimers { get; private set; }

    /// <summary>Where the last activation left the workflow (suspended, not woken since), when a fused step may resume it.</summary>
    public ResumePoint? Resumable { get; set; }

    /// <summary>Runs activities inside this activation (null: every activity is scheduled the durable way).</summary>
    public IActivationActivities? Activities { get; set; }

    /// <summary>When the workflow times out, while its timeout timer is still to be written (first activation only).</summary>
    public DateTimeOffset? PendingTimeout { get; set; }

    /// <summary>
    /// The history row of a cancellation request (db/0008): outside the range of steps (positive) and versions
    /// (counting down from -1), delivered by its arrival order like an outcome.
    /// </summary>
    public const int CancelSeq = Persistence.SharedNames.CancelSeq;

    /// <summary>True once the code read <see cref="CancellationToken"/>: cancelling it then runs its clean-up (db/0008).</summary>
    public bool HandlesCancel { get; private set; }

    /// <summary>True once <see cref="HandlesCancel"/> is in the database.</summary>
    public bool HandlesCancelRecorded { get; set; }

    /// <summary>The recorded cancellation request once delivered: the run then ends cancelled when its code gives up.</summary>
    public HistoryEvent? CancelDelivered { get; private set; }

    /// <summary>Fires when the workflow is cancelled; reading it makes cancellation cooperative for this workflow.</summary>
    public CancellationToken CancellationToken
    {
        get
        {
            HandlesCancel = true;
            return _cancellation.Token;
        }
    }

    /// <summary>Tags set by <see cref="SetTag"/> and not committed yet (re-set by a replay: merging them is idempotent).</summary>
    public IReadOnlyDictionary<string, string> NewTags => _newTags;

    public void SetTag(string key, string value)
    {
        ExecutionTags.CheckOne(key, value, nameof(key));
        _newTags[key] = value;
    }

    /// <summary>The tags are in the database.</summary>
    public void TagsCommitted() => _newTags.Clear();

    /// <summary>Checks a <c>ContinueAsNew(…)</c> made by workflow code: only this workflow continues as itself.</summary>
    public ContinueAsNewException ContinueAsNew(ExecutionDefinition definition, byte[] arguments)
    {
        if (definition.Name != Definition.Name)
        {
            throw new InvalidOperationException(
                $"Workflow '{Definition.Name}' cannot continue as '{definition.Name}': a run continues as the same workflow. " +
                $"Use {Definition.Name}.ContinueAsNew(…), or start '{definition.Name}' as a child.");
        }

        return new ContinueAsNewException(definition, arguments);
    }

    /// <summary>The workflow's timeout timer, once: due at <see cref="PendingTimeout"/>.</summary>
    public NewChild? TakeTimeoutTimer()
    {
        if (PendingTimeout is not { } due)
        {
            return null;
        }

        PendingTimeout = null;
        return Timer(Guid.CreateVersion7(), SharedNames.WorkflowTimeoutTimer, due - DateTimeOffset.UtcNow, 0);
    }

    /// <summary>Why the activation cannot go on: a checkpoint was not committed (the code waits forever; drop the instance).</summary>
    public CheckpointFailure? Abandoned { get; private set; }

    /// <summary>
    /// Workflow time: takes no place in history, so adding, removing or moving reads never shifts a step. It is the
    /// time the workflow first ran, then advances only when an outcome is delivered or an inline step finishes (to
    /// the time recorded with it), so replay reads the same values at the same points.
    /// </summary>
    public DateTime UtcNow => _clock;

    /// <summary>The clock a first run and a finished step read (the worker's <see cref="WorkerOptions.TimeProvider"/>).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Checking replay only (WorkflowReplayer): the code stops at its first inline step past the history instead of
    /// running the step's body, so replaying a workflow never runs its side effects.
    /// </summary>
    public bool ReplayOnly { get; init; }

    /// <summary>Deterministic: derived from the workflow id and a counter, so replay yields the same ids.</summary>
    public Guid NewGuid()
    {
        Span<byte> input = stackalloc byte[20];
        WorkflowId.TryWriteBytes(input);
        BitConverter.TryWriteBytes(input[16..], ++_guids);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x40);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16]);
    }

    /// <summary>Applies what the database holds now: new outcomes, new signals, the current wake counter.</summary>
    public void Load(WorkflowState state)
    {
        foreach (var e in state.History)
        {
            if (e.Kind == "version")
            {
                _versions[e.Name] = e.Result is null ? 0 : int.Parse(e.Result, System.Globalization.CultureInfo.InvariantCulture);
                _minVersionSeq = Math.Min(_minVersionSeq, e.Seq);
                continue;
            }

            if (e.Kind == HistoryEvent.StartKind)
            {
                if (!_started)
                {
                    _clock = e.CompletedAt ?? _clock;
                    _started = true;
                }

                continue;
            }

            _history[e.Seq] = e;
            MayHaveTimers |= e.Kind is "timer" or "signal";
            _maxHistorySeq = Math.Max(_maxHistorySeq, e.Seq);
            _maxOrder = Math.Max(_maxOrder, e.Order ?? 0);
        }

        _signals.Clear();
        _signals.AddRange(state.Signals);
        _updates.Clear();
        _updates.AddRange(state.Updates);
    }

    /// <summary>
    /// Runs the code as far as it can go: starts it on first activation, then delivers outcomes that arrived since,
    /// in arrival order, then hands buffered signals to the waits that were recorded earlier.
    /// </summary>
    public async Task ActivateAsync(InvocationContext? start)
    {
        if (_run is null)
        {
            if (!_started)
            {
                // The first run: its time is the workflow's clock until an outcome arrives, and is recorded.
                _clock = WorkflowClock.Now(Time);
                _started = true;
                NewHistory.Add(new NewHistoryRow(0, HistoryEvent.StartKind, Definition.Name, HistoryEvent.Completed, null, null, null, _clock));
            }

            _start = start;
            _run = Task.Factory.StartNew(() => Definition.Invoke(start!).AsTask(), CancellationToken.None, TaskCreationOptions.None, _scheduler).Unwrap();
            await DrainAsync().ConfigureAwait(false);
        }

        await DeliverRecordedHandlersAsync().ConfigureAwait(false);
        await DeliverOutcomesAsync().ConfigureAwait(false);
        await DeliverRecordedHandlersAsync().ConfigureAwait(false);

        // Signals and updates in arrival order, whether a handler or an earlier WaitForSignal takes them.
        await DeliverNewHandlersAsync().ConfigureAwait(false);
        await ConsumeSignalsForEarlierWaitsAsync(null).ConfigureAwait(false);
    }

    /// <summary>
    /// Delivers an activity's outcome that has not been written yet (fused step): the next activation resumes the
    /// call waiting at <paramref name="seq"/>. False when no call waits there for that activity.
    /// </summary>
    public bool TryDeliver(int seq, Guid childId, bool completed, string? result, string? error, DateTime at)
    {
        if (!_history.TryGetValue(seq, out var scheduled) || scheduled.State != HistoryEvent.Scheduled || scheduled.ChildId != childId
            || !_waiting.ContainsKey(seq) || _delivered.Contains(seq))
        {
            return false;
        }

        // Delivered after every outcome already in history, as its arrival order will say once committed.
        _history[seq] = scheduled with
        {
            State = completed ? HistoryEvent.Completed : HistoryEvent.Failed,
            Result = result,
            Error = error,
            Order = long.MaxValue,
            CompletedAt = at,
        };
        return true;
    }

    /// <summary>Hands over the commands not committed yet (to a checkpoint or the activation's commit).</summary>
    public ActivationCommands TakeCommands()
    {
        if (NewHistory.Count == 0 && NewChildren.Count == 0 && Consumed.Count == 0 && UpdateTransitions.Count == 0 && Outgoing.Count == 0 && DroppedTimers.Count == 0)
        {
            return ActivationCommands.None;
        }

        var commands = new ActivationCommands([.. NewHistory], [.. NewChildren], [.. Consumed])
        {
            Updates = CollapseUpdates(UpdateTransitions),
            Outgoing = [.. Outgoing],
            CancelledTimers = [.. DroppedTimers],
        };
        DroppedTimers.Clear();
        NewHistory.Clear();
        NewChildren.Clear();
        Consumed.Clear();
        UpdateTransitions.Clear();
        Outgoing.Clear();
        _uncommittedSteps = 0;
        return commands;
    }

    /// <summary>Committed commands are history now: replay checks (sticky) and IsReplaying must see them.</summary>
    public void Committed(ActivationCommands commands)
    {
        foreach (var row in commands.History)
        {
            if (row.Kind is "version" or HistoryEvent.StartKind)
            {
                continue;
            }

            _history[row.Seq] = new HistoryEvent(row.Seq, row.Kind, row.Name, row.State, row.ChildId, row.Result, row.Error, null, row.CompletedAt);
            if (row.State != HistoryEvent.Scheduled)
            {
                _delivered.Add(row.Seq);
            }

            _maxHistorySeq = Math.Max(_maxHistorySeq, row.Seq);
        }

        foreach (var consumed in commands.Consumed)
        {
            _delivered.Add(consumed.Seq);
        }
    }

    private async Task DrainAsync()
    {
        do
        {
            await _scheduler.DrainAsync(() => Volatile.Read(ref _outstanding) > 0 && Nondeterminism is null).ConfigureAwait(false);
        }
        while (Nondeterminism is null && SettleOneCondition());

        if (_run is { IsCompleted: true } && Nondeterminism is null && _run.IsCompletedSuccessfully && _maxHistorySeq >= _nextSeq)
        {
            var extra = _history[_maxHistorySeq];
            var missing = _history.GetValueOrDefault(_nextSeq, extra);
            Nondeterminism = new NondeterminismException(
                $"Workflow '{Definition.Name}' ({WorkflowId}) finished at step {_nextSeq - 1}, but its history continues to step {_maxHistorySeq} " +
                $"({extra.Kind} '{extra.Name}'): the code no longer makes that call. Guard the change with Workflow.GetVersion.")
            {
                Step = missing.Seq, Expected = $"{missing.Kind} '{missing.Name}'", Found = "the workflow returns",
            };
        }
    }

    private async Task DeliverOutcomesAsync()
    {
        var pending = _history.Values
            .Where(e => e.Order is not null && e.State != HistoryEvent.Scheduled && !_delivered.Contains(e.Seq))
            .OrderBy(e => e.Order)
            .ToList();
        bool progressed;
        do
        {
            progressed = false;
            foreach (var e in pending.ToArray())
            {
                if (Nondeterminism is not null)
                {
                    return;
                }

                if (e.Seq == CancelSeq)
                {
                    pending.Remove(e);
                    _delivered.Add(e.Seq);
                    _clock = WorkflowClock.Later(_clock, e.CompletedAt);
                    await DeliverCancellationAsync(e).ConfigureAwait(false);
                    progressed = true;
                    break;
                }

                if (_waiting.ContainsKey(e.Seq))
                {
                    // Handlers that ran before this outcome arrived, in the first run, run before it here too.
                    await DeliverRecordedHandlersAsync().ConfigureAwait(false);
                }

                if (_waiting.Remove(e.Seq, out var waiter))
                {
                    pending.Remove(e);
                    _delivered.Add(e.Seq);
                    _deliveries++;
                    _signalWaits.Remove(e.Seq);
                    _clock = WorkflowClock.Later(_clock, e.CompletedAt);
                    waiter.SetResult(e);
                    await DrainAsync().ConfigureAwait(false);
                    progressed = true;
                    break;
                }
            }
        }
        while (progressed);
    }

    /// <summary>
    /// Cancellation reaches the code where it arrived (replay delivers it at the same point): the token fires on the
    /// workflow's scheduler, and every durable call still waiting (an activity, a timer, a signal) throws
    /// <see cref="OperationCanceledException"/>, as Temporal's do. Calls made after it (clean-up) run as usual.
    /// </summary>
    private async Task DeliverCancellationAsync(HistoryEvent cancel)
    {
        CancelDelivered = cancel;
        var message = CurrantStore.DeserializeError(cancel.Error)?.Message ?? "Cancelled on request.";
        // Queued on the scheduler, which only runs while drained: start it, drain, then see it through.
        var fire = Task.Factory.StartNew(
            () =>
            {
                foreach (var (seq, waiter) in _waiting.OrderBy(w => w.Key).ToArray())
                {
                    _waiting.Remove(seq);
                    _signalWaits.Remove(seq);
                    waiter.SetException(new OperationCanceledException($"Workflow '{Definition.Name}' was cancelled ({message})", _cancellation.Token));
                }

                _cancellation.Cancel();
            },
            CancellationToken.None,
            TaskCreationOptions.None,
            _scheduler);
        await DrainAsync().ConfigureAwait(false);
        await fire.ConfigureAwait(false);
    }

    /// <summary>Hands buffered signals to waits recorded earlier; only those <paramref name="arrivedFirst"/> accepts, when given.</summary>
    private async Task ConsumeSignalsForEarlierWaitsAsync(Func<BufferedSignal, bool>? arrivedFirst)
    {
        foreach (var (seq, name) in _signalWaits.OrderBy(w => w.Key).ToArray())
        {
            if (Nondeterminism is not null || !_history.TryGetValue(seq, out var recorded) || recorded.State != HistoryEvent.Scheduled)
            {
                continue;
            }

            var signal = _signals.FirstOrDefault(s => s.Name == name);
            if (signal is null || (arrivedFirst is not null && !arrivedFirst(signal)) || !_waiting.Remove(seq, out var waiter))
            {
                continue;
            }

            _signals.Remove(signal);
            _signalWaits.Remove(seq);
            _deliveries++;

            // The wait's outcome arrives with the signal: that is the time the workflow is woken at, here and in replay.
            var at = WorkflowClock.Later(_clock, signal.ArrivedAt);
            Consumed.Add(new SignalConsumption(signal.Id, seq, signal.Payload, WaitWasScheduled: true, at));
            _clock = at;
            waiter.SetResult(recorded with { State = HistoryEvent.Completed, Result = signal.Payload, CompletedAt = at });
            await DrainAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The recorded event for <paramref name="seq"/>, checked against the call the code makes now.</summary>
    private HistoryEvent? Recorded(int seq, string kind, string name)
    {
        if (!_history.TryGetValue(seq, out var e))
        {
            return null;
        }

        if (e.Kind != kind || e.Name != name)
        {
            Nondeterminism ??= new NondeterminismException(
                $"Workflow '{Definition.Name}' ({WorkflowId}) is not deterministic at step {seq}: history expected {e.Kind} '{e.Name}', " +
                $"but the code now calls {kind} '{name}'. Restore the old code path, or guard the change with Workflow.GetVersion.")
            {
                Step = seq, Expected = $"{e.Kind} '{e.Name}'", Found = $"{kind} '{name}'", CallSite = new System.Diagnostics.StackTrace(1, fNeedFileInfo: true),
            };
        }

        return e;
    }

    private bool HasSynchronousOutcome(HistoryEvent e) => e.Order is null && e.State != HistoryEvent.Scheduled;

    private Task<HistoryEvent> Wait(int seq)
    {
        var waiter = new TaskCompletionSource<HistoryEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[seq] = waiter;
        return waiter.Task;
    }

    private static Task<HistoryEvent> Never() => new TaskCompletionSource<HistoryEvent>().Task;

    public Task<byte[]?> RunAsync(ExecutionDefinition definition, byte[] arguments, EnqueueOptions? options)
    {
        RefuseChildTags(definition, options);
        var kind = definition.Kind == ExecutionKind.Workflow ? "workflow" : "activity";
        if (definition.Kind is not (ExecutionKind.Activity or ExecutionKind.Workflow))
        {
            throw new InvalidOperationException($"'{definition.Name}' is a {definition.Kind}; only activities and workflows can be Run from a workflow. Use Queue(...) for jobs.");
        }

        ThrowIfReadOnly(definition.Name + ".Run(...)");
        var seq = _nextSeq++;
        Task<HistoryEvent> outcome;
        if (Recorded(seq, kind, definition.Name) is { } e)
        {
            if (Nondeterminism is null && HasSynchronousOutcome(e))
            {
                // An activity that ran inside its activation: recorded with the call, like a step.
                _clock = WorkflowClock.Later(_clock, e.CompletedAt);
            }

            outcome = Nondeterminism is not null ? Never()
                : HasSynchronousOutcome(e) ? Task.FromResult(e)
                : Wait(seq);
        }
        else
        {
            var childId = Guid.CreateVersion7();
            var row = ClientImpl.BuildRow(definition, arguments, (options ?? new EnqueueOptions()) with { Queue = options?.Queue ?? definition.Queue ?? (definition.Kind == ExecutionKind.Activity ? QueueName : null) }, options?.IdempotencyKey);
            var child = new NewChild(childId, definition.Kind, definition.Name, row.Queue, row.Priority, Encoding.UTF8.GetString(arguments),
                row.MaxAttempts, row.Timeout, TimeSpan.Zero, seq, row.IdempotencyKey, Eager: definition.Kind == ExecutionKind.Activity,
                RetryPolicy: row.RetryPolicy, HeartbeatTimeout: row.HeartbeatTimeout);
            // An activity with a heartbeat timeout gets a row of its own: the sweep that times it out watches rows.
            outcome = child is { Eager: true, IdempotencyKey: null, HeartbeatTimeout: null } && _activitiesRunningHere == 0 && Activities is { } here && here.CanRun(child)
                ? RunHereAsync(seq, kind, child, here)
                : Schedule(seq, kind, child);
        }

        return Unwrap(outcome);
    }

    /// <summary>
    /// The durable way: a history row and a child row, and the call waits for the outcome to arrive. While an activity
    /// runs inside this activation the activation does not end soon, so the child is committed at once (a checkpoint)
    /// and left for any worker to claim: calls made side by side run side by side.
    /// </summary>
    private Task<HistoryEvent> Schedule(int seq, string kind, NewChild child)
    {
        NewHistory.Add(new NewHistoryRow(seq, kind, child.Name, HistoryEvent.Scheduled, child.Id, null, null));
        if (_activitiesRunningHere == 0)
        {
            NewChildren.Add(child);
            return Wait(seq);
        }

        NewChildren.Add(child with { Eager = false });
        var outcome = Wait(seq);
        return CommitThenWaitAsync(outcome);
    }

    private async Task<HistoryEvent> CommitThenWaitAsync(Task<HistoryEvent> outcome)
    {
        await CommitWaitedOnAsync().ConfigureAwait(true);
        return await outcome.ConfigureAwait(true);
    }

    /// <summary>
    /// Before the code waits on something that runs inside this activation, commits what others must see meanwhile:
    /// finished steps (a finished step never runs again), children to run elsewhere, and the workflow's timeout.
    /// </summary>
    private async Task CommitWaitedOnAsync()
    {
        if (TakeTimeoutTimer() is { } timeout)
        {
            NewChildren.Add(timeout);
        }

        if (_uncommittedSteps > 0 || NewChildren.Exists(c => c.Ran is null))
        {
            for (var i = 0; i < NewChildren.Count; i++)
            {
                // A checkpoint starts nothing here: an eagerly dispatched child would wait for a runner that never comes.
                if (NewChildren[i].Eager)
                {
                    NewChildren[i] = NewChildren[i] with { Eager = false };
                }
            }

            await CheckpointAsync().ConfigureAwait(true);
        }
    }

    /// <summary>
    /// Runs an activity inside this activation, in the workflow's slot: earlier steps are committed first (as before
    /// any step), then its first attempt runs and its outcome is recorded with the call. An attempt to retry, or one
    /// handed back at shutdown, is scheduled the durable way with that attempt counted.
    /// </summary>
    private async Task<HistoryEvent> RunHereAsync(int seq, string kind, NewChild child, IActivationActivities here)
    {
        _activitiesRunningHere++;
        try
        {
            await CommitWaitedOnAsync().ConfigureAwait(true);
            if (Nondeterminism is not null)
            {
                return await Never().ConfigureAwait(true);
            }

            var startedAt = DateTime.UtcNow;
            // Off the workflow scheduler: activity code is ordinary code, like a step body.
            var completion = await Outstanding(Task.Run(() => here.RunAsync(child))).ConfigureAwait(true);

            // Back on the workflow scheduler: commands are only ever touched from here.
            if (completion.State == ExecutionState.Pending)
            {
                var retry = child with
                {
                    Eager = false,
                    Delay = completion.RetryIn ?? TimeSpan.Zero,
                    Ran = new RanAttempt(ExecutionState.Pending, null, completion.Error, startedAt, Spent: !completion.Released, completion.HeartbeatDetails),
                };
                return await Schedule(seq, kind, retry).ConfigureAwait(true);
            }

            var at = WorkflowClock.Now(Time);
            var state = completion.State == ExecutionState.Completed ? HistoryEvent.Completed : HistoryEvent.Failed;
            NewHistory.Add(new NewHistoryRow(seq, kind, child.Name, state, child.Id, completion.Result, completion.Error, at));
            NewChildren.Add(child with { Eager = false, Ran = new RanAttempt(completion.State, completion.Result, completion.Error, startedAt, Spent: true) });
            _uncommittedSteps++;
            _clock = WorkflowClock.Later(_clock, at);
            return new HistoryEvent(seq, kind, child.Name, state, child.Id, completion.Result, completion.Error, null, at);
        }
        finally
        {
            _activitiesRunningHere--;
        }
    }

    /// <summary>
    /// Work off the workflow scheduler that the activation must wait for: the scheduler drains until it ends. The
    /// waiting code is queued on the scheduler before the count drops, so the drain never ends between the two.
    /// </summary>
    private Task<T> Outstanding<T>(Task<T> work)
    {
        Interlocked.Increment(ref _outstanding);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        work.ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    done.SetResult(t.Result);
                }
                else
                {
                    done.SetException(t.Exception?.InnerExceptions ?? [new OperationCanceledException()]);
                }

                Interlocked.Decrement(ref _outstanding);
                _scheduler.Poke();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return done.Task;
    }

    private static async Task<byte[]?> Unwrap(Task<HistoryEvent> outcome)
    {
        var e = await outcome.ConfigureAwait(true);
        if (e.State == HistoryEvent.Completed)
        {
            return e.Result is null ? null : Encoding.UTF8.GetBytes(e.Result);
        }

        var error = CurrantStore.DeserializeError(e.Error) ?? new ExecutionError("Unknown", "The step failed without a recorded error.", null);
        if (error.Type == typeof(OperationCanceledException).FullName)
        {
            throw new ExecutionCancelledException(e.ChildId ?? Guid.Empty, e.Name);
        }

        throw new ExecutionFailedException(e.ChildId ?? Guid.Empty, e.Name, error);
    }

    /// <summary>Tags on a child are not stored (the child row is written with the activation); say so instead of dropping them.</summary>
    private static void RefuseChildTags(ExecutionDefinition definition, EnqueueOptions? options)
    {
        if (options?.Tags is not null)
        {
            throw new NotSupportedException(
                $"Tags cannot be given to '{definition.Name}' from workflow code (Options(tags:) inside a workflow). " +
                "Tag the caller instead, or call Workflow.SetTag inside the child workflow.");
        }
    }

    public IReadOnlyList<Guid> Queue(ExecutionDefinition definition, IReadOnlyList<byte[]> arguments, EnqueueOptions? options)
    {
        RefuseChildTags(definition, options);
        ThrowIfReadOnly(definition.Name + ".Queue(...)");
        var seq = _nextSeq++;
        if (Recorded(seq, "queue", definition.Name) is { Result: { } ids })
        {
            return JsonSerializer.Deserialize(ids, InternalJsonContext.Default.GuidArray) ?? [];
        }

        if (Nondeterminism is not null)
        {
            return [];
        }

        var result = new Guid[arguments.Count];
        for (var i = 0; i < arguments.Count; i++)
        {
            var key = options?.IdempotencyKey is { } k && arguments.Count > 1 ? $"{k}:{i}" : options?.IdempotencyKey;
            var row = ClientImpl.BuildRow(definition, arguments[i], options, key);
            result[i] = row.Id;
            NewChildren.Add(new NewChild(row.Id, definition.Kind, definition.Name, row.Queue, row.Priority, Encoding.UTF8.GetString(arguments[i]),
                row.MaxAttempts, row.Timeout, row.RunAt is { } at ? at - DateTimeOffset.UtcNow : row.Delay, null, key, Eager: false,
                RetryPolicy: row.RetryPolicy, HeartbeatTimeout: row.HeartbeatTimeout));
        }

        NewHistory.Add(new NewHistoryRow(seq, "queue", definition.Name, HistoryEvent.Completed, null, JsonSerializer.Serialize(result, InternalJsonContext.Default.GuidArray), null));
        return result;
    }

    public Task SleepAsync(TimeSpan duration)
    {
        ThrowIfReadOnly("Workflow.Sleep(...)");
        if (duration <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        var seq = _nextSeq++;
        if (Recorded(seq, "timer", "sleep") is { } e)
        {
            return Nondeterminism is not null ? Never() : HasSynchronousOutcome(e) ? Task.CompletedTask : Unwrap(Wait(seq));
        }

        var timerId = Guid.CreateVersion7();
        NewHistory.Add(new NewHistoryRow(seq, "timer", "sleep", HistoryEvent.Scheduled, timerId, null, null));
        NewChildren.Add(Timer(timerId, "sleep", duration, seq));
        return Unwrap(Wait(seq));
    }

    internal NewChild Timer(Guid id, string name, TimeSpan delay, int parentSeq)
    {
        MayHaveTimers = true;
        return new(id, ExecutionKind.Timer, name, QueueName, int.MaxValue, "[]", 1, null, delay, parentSeq, null, Eager: false);
    }

    public async Task<T> WaitForSignalAsync<T>(string name, TimeSpan? timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ThrowIfReadOnly("Workflow.WaitForSignal(...)");
        var seq = _nextSeq++;
        HistoryEvent outcome;
        if (Recorded(seq, "signal", name) is { } e)
        {
            if (Nondeterminism is not null)
            {
                await Never().ConfigureAwait(true);
            }

            if (HasSynchronousOutcome(e))
            {
                outcome = e;
            }
            else
            {
                _signalWaits[seq] = name;
                outcome = await Wait(seq).ConfigureAwait(true);
            }
        }
        else if (_signals.FirstOrDefault(s => s.Name == name) is { } buffered)
        {
            // Sent before the wait: consumed at once, recorded as the outcome of the call.
            _signals.Remove(buffered);
            NewHistory.Add(new NewHistoryRow(seq, "signal", name, HistoryEvent.Completed, null, buffered.Payload, null));
            Consumed.Add(new SignalConsumption(buffered.Id, seq, buffered.Payload, WaitWasScheduled: false, _clock));
            outcome = new HistoryEvent(seq, "signal", name, HistoryEvent.Completed, null, buffered.Payload, null, null);
        }
        else
        {
            Guid? timerId = timeout is { } t && t > TimeSpan.Zero ? Guid.CreateVersion7() : null;
            NewHistory.Add(new NewHistoryRow(seq, "signal", name, HistoryEvent.Scheduled, timerId, null, null));
            if (timerId is { } id)
            {
                NewChildren.Add(Timer(id, Persistence.SharedNames.SignalTimeoutTimer, timeout!.Value, seq));
            }
            else if (timeout is { } zero && zero <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No '{name}' signal was waiting.");
            }

            _signalWaits[seq] = name;
            outcome = await Wait(seq).ConfigureAwait(true);
        }

        if (outcome.State != HistoryEvent.Completed)
        {
            throw new TimeoutException($"No '{name}' signal arrived within {timeout}.");
        }

        if (outcome.Result is null or "null")
        {
            // A signal sent without a payload (`currant signal <id> <name>`) is JSON null: never silently a default
            // value (false, 0) for a wait that expects one.
            return default(T) is null ? default! : throw new InvalidOperationException(
                $"The '{name}' signal arrived without a payload (JSON null), which cannot become a {typeof(T).Name}. " +
                $"Send one (currant signal <id> {name} <json>), or wait with WaitForSignal<{typeof(T).Name}?> to accept an empty signal.");
        }

        return CurrantJson.Deserialize<T>(Encoding.UTF8.GetBytes(outcome.Result), SerializerOptions);
    }

    public int GetVersion(string changeId, int minSupported, int maxSupported)
    {
        ArgumentException.ThrowIfNullOrEmpty(changeId);
        ThrowIfReadOnly("Workflow.GetVersion(...)");
        if (minSupported > maxSupported)
        {
            throw new ArgumentOutOfRangeException(nameof(minSupported), $"GetVersion(\"{changeId}\", {minSupported}, {maxSupported}): min is greater than max.");
        }

        if (_versions.TryGetValue(changeId, out var recorded))
        {
            if (recorded < minSupported || recorded > maxSupported)
            {
                Nondeterminism ??= new NondeterminismException(
                    $"Workflow '{Definition.Name}' ({WorkflowId}) recorded version {recorded} of change '{changeId}', " +
                    $"but this code supports only {minSupported}..{maxSupported}. Keep the old branch until such workflows finish.")
                {
                    Expected = $"version '{changeId}' = {recorded}", Found = $"GetVersion(\"{changeId}\", {minSupported}, {maxSupported})",
                    CallSite = new System.Diagnostics.StackTrace(1, fNeedFileInfo: true),
                };
            }

            return recorded;
        }

        if (IsReplaying)
        {
            // History already went past this point without recording the change: it ran the old code.
            return minSupported;
        }

        var seq = --_minVersionSeq;
        _versions[changeId] = maxSupported;
        NewHistory.Add(new NewHistoryRow(seq, "version", changeId, HistoryEvent.Completed, null, maxSupported.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
        return maxSupported;
    }

    public Task<T> StepAsync<T>(string name, Func<CancellationToken, Task<T>> step)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(step);
        ThrowIfReadOnly("Workflow.Step(...)");
        var seq = _nextSeq++;
        if (Recorded(seq, "step", name) is { } e)
        {
            return Nondeterminism is not null ? new TaskCompletionSource<T>().Task : RecordedStep<T>(e);
        }

        return FreshStepAsync(seq, name, step);
    }

    private async Task<T> FreshStepAsync<T>(int seq, string name, Func<CancellationToken, Task<T>> step)
    {
        if (_uncommittedSteps > 0)
        {
            // A finished step is made durable before the next one starts: it never runs again, whatever happens next.
            await CheckpointAsync().ConfigureAwait(true);
        }

        if (Nondeterminism is not null || ReplayOnly)
        {
            await new TaskCompletionSource().Task.ConfigureAwait(true);
        }

        var e = await RunStepBody(seq, name, step).ConfigureAwait(true);

        // Back on the workflow scheduler: commands are only ever touched from here.
        NewHistory.Add(new NewHistoryRow(e.Seq, "step", e.Name, e.State, null, e.Result, e.Error, e.CompletedAt));
        _uncommittedSteps++;
        return StepResult<T>(e);
    }

    /// <summary>Runs a step body on the thread pool, as ordinary code: no workflow context, its name in scope for errors.</summary>
    private Task<HistoryEvent> RunStepBody<T>(int seq, string name, Func<CancellationToken, Task<T>> step)
    {
        Interlocked.Increment(ref _outstanding);
        var waiter = new TaskCompletionSource<HistoryEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            HistoryEvent outcome;
            WorkflowContextAccessor.Step = name;
            try
            {
                var value = await step(CancellationToken.None).ConfigureAwait(false);
                outcome = new HistoryEvent(seq, "step", name, HistoryEvent.Completed, null, Encoding.UTF8.GetString(CurrantJson.Serialize(value, SerializerOptions)), null, null, WorkflowClock.Now(Time));
            }
            catch (Exception ex)
            {
                outcome = new HistoryEvent(seq, "step", name, HistoryEvent.Failed, null, null, CurrantStore.SerializeError(ExecutionError.From(ex, nonRetryable: true)), null, WorkflowClock.Now(Time));
            }

            waiter.SetResult(outcome);
            Interlocked.Decrement(ref _outstanding);
            _scheduler.Poke();
        });
        return waiter.Task;
    }

    /// <summary>
    /// Commits the commands so far while the code waits. If the commit fails (fenced, conflicting, the database
    /// away) the code never resumes: <see cref="Abandoned"/> tells the runner, which drops this instance.
    /// </summary>
    private async Task CheckpointAsync()
    {
        var commands = TakeCommands();
        if (commands.IsEmpty || Checkpointer is not { } checkpointer)
        {
            return;
        }

        Interlocked.Increment(ref _outstanding);
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Started here, not through Task.Run: the checkpointer only queues the commands for the group commit and
        // awaits with ConfigureAwait(false), so nothing of it runs on this scheduler after its first await.
        _ = WriteCheckpointAsync(checkpointer, commands, committed);
        await committed.Task.ConfigureAwait(true);
        Committed(commands);
    }

    private async Task WriteCheckpointAsync(Func<ActivationCommands, Task<ActivationOutcome>> checkpointer, ActivationCommands commands, TaskCompletionSource committed)
    {
        try
        {
            var outcome = await checkpointer(commands).ConfigureAwait(false);
            if (outcome is ActivationOutcome.Committed or ActivationOutcome.CommittedAndWoken)
            {
                committed.SetResult();
            }
            else
            {
                Abandoned ??= new CheckpointFailure(outcome, null);
            }
        }
        catch (Exception ex)
        {
            Abandoned ??= new CheckpointFailure(ActivationOutcome.Fenced, ex);
        }
        finally
        {
            Interlocked.Decrement(ref _outstanding);
            _scheduler.Poke();
        }
    }

    private Task<T> RecordedStep<T>(HistoryEvent e)
    {
        try
        {
            return Task.FromResult(StepResult<T>(e));
        }
        catch (ExecutionFailedException ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    private T StepResult<T>(HistoryEvent e)
    {
        _clock = WorkflowClock.Later(_clock, e.CompletedAt);
        if (e.State != HistoryEvent.Completed)
        {
            // The same exception type on the first run and in replay, so catch blocks behave alike.
            var error = CurrantStore.DeserializeError(e.Error) ?? new ExecutionError("Unknown", "The step failed.", null);
            throw new ExecutionFailedException(WorkflowId, e.Name, error);
        }

        return e.Result is null ? default! : CurrantJson.Deserialize<T>(Encoding.UTF8.GetBytes(e.Result), SerializerOptions);
    }
}

/// <summary>A suspended workflow as its last activation left it: the claim it held and the wake counter it saw.</summary>
internal sealed record ResumePoint(ClaimedExecution Row, int WakeCount);

/// <summary>A checkpoint that did not commit: how it ended, and the exception when the database failed it.</summary>
internal sealed record CheckpointFailure(ActivationOutcome Outcome, Exception? Exception);
