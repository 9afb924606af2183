using System.Collections.Concurrent;
using System.Diagnostics;
using Currant.Persistence;
using Microsoft.Extensions.Logging;

namespace Currant.Worker;

/// <summary>
/// The producer role: claims batches from the worker's queues, keeps a small buffer of claimed rows ahead of the
/// free slots while executions are short, and starts each row on a runner. Owns the slots.
/// </summary>
/// <remarks>
/// Claim-ahead: while the average execution takes under <see cref="ShortExecution"/>, the producer holds up to
/// <see cref="PrefetchFactor"/> × MaxConcurrency rows beyond its slots, so the next claim overlaps execution and
/// a claim round trip moves many rows; with longer executions it claims only for free slots, so a worker never
/// sits on more than a few milliseconds of work another worker could be doing. Claiming pauses while the
/// heartbeat fails or the completer cannot write: a worker that cannot report outcomes takes no new work.
/// <para>
/// Wake-ups (<see cref="WakeAlarm"/>): a NOTIFY for work due now, a freed slot, the alarm at the earliest due time
/// the worker knows of, or the jittered poll. Every claim reads the next due time of the worker's queues, so the
/// alarm covers rows written while no one listened; NOTIFY (currant_due) and this worker's own writes (retry backoff,
/// a workflow's timers) move it earlier.
/// </para>
/// <para>
/// Hand-off (db/0017): when a claim finds the queues drained and a slot is free, the producer reserves that slot and
/// advertises it; the next single enqueue due now takes it with its insert, and the row arrives over NOTIFY, already
/// running under this worker, with no claim round trip. While the slot is reserved the claim and the buffer leave it
/// free; the producer takes it back (<see cref="ClaimSession.WithdrawAsync"/>) when it needs it for claimed work,
/// and before it stops. A hand-off whose NOTIFY never came (the listener reconnected) is left to the heartbeat,
/// which hands back rows this worker does not hold once they are old enough.
/// </para>
/// </remarks>
internal sealed class Producer : IProducer
{
    private static readonly TimeSpan ShortExecution = TimeSpan.FromMilliseconds(10);
    /// <summary>A claim that takes longer is abandoned (its transaction rolls back unless it already committed).</summary>
    internal static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(10);
    private const int PrefetchFactor = 4;
    /// <summary>How long a hand-off already taken may take to arrive before the producer stops waiting for it.</summary>
    private static readonly TimeSpan HandOffArrival = TimeSpan.FromSeconds(2);
    /// <summary>How long the stop waits for the database to take the advertised slot back.</summary>
    private static readonly TimeSpan WithdrawOnStop = TimeSpan.FromSeconds(2);
    /// <summary>
    /// How long the slot kept for a hand-off may stay lent to an eager start (<see cref="TryReserveLocalStart"/>) with
    /// its advertisement up. No run here ended in that time, so they are long ones: the claim loop takes the
    /// advertisement back, so no enqueue hands a row to a worker whose slots are all busy.
    /// </summary>
    private static readonly TimeSpan KeptSlotLoan = TimeSpan.FromMilliseconds(50);

    private readonly Guid _workerId;
    private readonly string[] _queues;
    private readonly WorkerOptions _options;
    private readonly IExecutionRunner _runner;
    private readonly ICompleter _completer;
    private readonly ILogger _logger;
    private readonly WakeAlarm _wake;
    private readonly ClaimSession _claims;
    private readonly Lock _gate = new();
    private readonly Queue<ClaimedExecution> _buffer = new();
    private readonly ConcurrentDictionary<Guid, Hold> _held = new();
    private int _running;
    private double _averageTicks = double.NaN;
    private TaskCompletionSource? _idle;
    private volatile bool _mayHaveWork = true;
    private volatile bool _heartbeatHealthy = true;
    private int _wakeups;
    private readonly FailureStreak _claimFailures;
    private HandOffSlot _handOff;
    private bool _keptSlotLent;
    private long _keptSlotLentAt;
    private ITimer? _loanTimer;
    private long _handOffTakenAt;
    private volatile bool _acceptsHandOffs;
    private bool _slotInDoubt;
    private bool _polled;
    private bool _acceptsEagerStarts;

    /// <summary>Where this worker's hand-off slot stands (guarded by <c>_gate</c>).</summary>
    private enum HandOffSlot
    {
        /// <summary>Not advertised: every slot is the claim's.</summary>
        None,

        /// <summary>Advertised (or being advertised): one slot is kept free for a hand-off.</summary>
        Advertised,

        /// <summary>An enqueue took the advertised slot: its row is on the way; the slot stays kept for it.</summary>
        Taken,
    }

    public Producer(CurrantStore store, Guid workerId, string[] queues, WorkerOptions options, IExecutionRunner runner, ICompleter completer, WakeAlarm wake, ILogger logger)
    {
        _workerId = workerId;
        _wake = wake;
        _queues = queues;
        _options = options;
        _runner = runner;
        _completer = completer;
        _logger = logger;
        _claimFailures = new FailureStreak(options.TimeProvider);
        _claims = store.OpenClaimSession();
    }

    /// <summary>Executions running right now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Set by the heartbeat service: without a heartbeat others may soon take our work, so claim nothing.</summary>
    public bool HeartbeatHealthy
    {
        set
        {
            var was = _heartbeatHealthy;
            _heartbeatHealthy = value;
            if (value && !was)
            {
                MarkWork();
            }
        }
    }

    public bool Serves(string queue) => Array.IndexOf(_queues, queue) >= 0;

    /// <summary>
    /// True while the worker hears NOTIFY: only then does it advertise a slot for hand-offs (a poll-only worker, or one
    /// whose listen connection is down, would never hear the row it was handed). Turning it off, or on again after a
    /// reconnect, puts the advertised slot in doubt: the claim loop takes it back and learns whether a row was handed
    /// here meanwhile.
    /// </summary>
    public bool AcceptsHandOffs
    {
        set
        {
            lock (_gate)
            {
                _acceptsHandOffs = value;
                _slotInDoubt |= _handOff != HandOffSlot.None;
            }

            _wake.Set();
        }
    }

    /// <summary>
    /// True once a hand-off was taken for this worker and never arrived (its NOTIFY was lost): the row is still
    /// running under this worker in the database. The heartbeat hands it back once it is old enough, and a stop
    /// hands back everything of ours still running.
    /// </summary>
    public bool HandOffMissed { get; private set; }

    /// <summary>True while this worker knows it holds <paramref name="id"/> (buffered, running, or finishing).</summary>
    public bool Holds(Guid id) => _held.ContainsKey(id);

    /// <summary>
    /// True while <paramref name="id"/> is buffered or running here and its run has not begun to end: the end of that
    /// run calls <see cref="RunEnded"/>, so a waiter for its outcome may wait for that instead of reading the row first.
    /// </summary>
    public bool RunningHere(Guid id) => _held.TryGetValue(id, out var hold) && !hold.Ending;

    /// <summary>
    /// Called with a row's id once its run here returned (its outcome is written or handed to the completer), or once
    /// it was handed back unrun at a stop.
    /// </summary>
    public Action<Guid>? RunEnded { get; set; }

    /// <summary>Something may be claimable: counted, so a wake-up that lands during a claim is not lost.</summary>
    public void MarkWork()
    {
        Interlocked.Increment(ref _wakeups);
        _mayHaveWork = true;
        _wake.Set();
    }

    public void Wake() => MarkWork();

    /// <summary>Something of this worker's queues becomes due after <paramref name="delay"/>: claim then.</summary>
    public void WakeIn(TimeSpan delay) => _wake.WakeIn(delay);

    /// <summary>The claim loop; returns when <paramref name="stop"/> fires (and closes the claim connection).</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        await using var claims = _claims;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (NeedsSlotBack())
                {
                    await WithdrawAsync(stop).ConfigureAwait(false);
                    Pump();
                }

                var limit = ClaimLimit();
                if (limit > 0 && _mayHaveWork && _heartbeatHealthy && _completer.FailingSince is null)
                {
                    var seen = Volatile.Read(ref _wakeups);
                    List<ClaimedExecution> claimed;
                    using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop))
                    {
                        timeout.CancelAfter(ClaimTimeout);
                        (claimed, var nextDue) = await _claims.ClaimAsync(_workerId, _queues, limit, KeepSlot(), timeout.Token).ConfigureAwait(false);
                        _polled = false;
                        if (nextDue is { } delay)
                        {
                            _wake.WakeIn(delay);
                        }
                    }

                    _claimFailures.Succeeded();
                    CurrantDiagnostics.RecordClaim(claimed.Count);
                    // A short batch means the queues are drained for now, unless a NOTIFY arrived while we claimed.
                    _mayHaveWork = claimed.Count == limit || Volatile.Read(ref _wakeups) != seen;
                    Accept(claimed);
                    if ((_mayHaveWork && ClaimLimit() > 0) || NeedsSlotBack())
                    {
                        continue;
                    }
                }

                if (TryBeginAdvertise())
                {
                    await AdvertiseAsync(stop).ConfigureAwait(false);
                }

                var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
                if (!await _wake.WaitAsync(_options.PollInterval * jitter, stop).ConfigureAwait(false))
                {
                    _mayHaveWork = true;
                    _polled = true;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A failed claim changed nothing (its transaction rolled back; if it had committed and only the reply
                // was lost, the heartbeat hands those rows back): wait a poll interval and try again.
                if (_claimFailures.Failed())
                {
                    Log.ClaimFailed(_logger, ex, _workerId);
                }

                try
                {
                    await Task.Delay(_options.PollInterval, _options.TimeProvider, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        lock (_gate)
        {
            _acceptsEagerStarts = false;
        }

        await TakeSlotBackAsync().ConfigureAwait(false);
        lock (_gate)
        {
            // No eager start borrows any more (_acceptsEagerStarts is off).
            _loanTimer?.Dispose();
            _loanTimer = null;
        }
    }

    /// <summary>
    /// On stop: takes the advertised slot back, so no enqueue hands this worker anything more, and waits briefly for
    /// a hand-off already taken (it runs like the rest). One that never arrives is reported by <see cref="HandOffMissed"/>.
    /// </summary>
    private async Task TakeSlotBackAsync()
    {
        lock (_gate)
        {
            _acceptsHandOffs = false;
        }

        if (SlotState() == HandOffSlot.Advertised)
        {
            try
            {
                using var timeout = new CancellationTokenSource(WithdrawOnStop);
                await WithdrawAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
            {
                // Whether a row was handed here is unknown: the stop hands back whatever of ours is left.
                Log.HandOffSlotFailed(_logger, ex, _workerId);
                HandOffMissed = true;
                return;
            }
        }

        while (SlotState() == HandOffSlot.Taken)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private HandOffSlot SlotState()
    {
        lock (_gate)
        {
            ReservedLocked();
            return _handOff;
        }
    }

    /// <summary>
    /// For a claim on the poll while the slot is advertised: how long this worker's heartbeat counts as fresh (the
    /// claim re-makes a slot row that went with a deleted worker row); else null. Only on the poll, so claims woken by
    /// NOTIFY carry nothing more.
    /// </summary>
    private TimeSpan? KeepSlot()
    {
        lock (_gate)
        {
            return _polled && _handOff == HandOffSlot.Advertised && !_slotInDoubt ? FreshFor : null;
        }
    }

    /// <summary>An enqueue hands off only to a worker whose heartbeat is younger than this: two beats and a second.</summary>
    private TimeSpan FreshFor => (_options.HeartbeatInterval * 2) + TimeSpan.FromSeconds(1);

    /// <summary>
    /// True when the slot kept for a hand-off must be taken back: claimed work waits for it, the worker cannot hear
    /// or report a hand-off now (listener, heartbeat or completer down), or the database may hold another state.
    /// </summary>
    private bool NeedsSlotBack()
    {
        lock (_gate)
        {
            return NeedsSlotBackLocked();
        }
    }

    private bool NeedsSlotBackLocked()
        => _handOff == HandOffSlot.Advertised
           && (_slotInDoubt || !_acceptsHandOffs || !_heartbeatHealthy || _completer.FailingSince is not null
               || (_running + 1 >= _options.MaxConcurrency && (_buffer.Count > 0 || (_mayHaveWork && ClaimLimitLocked(reserved: 0) > 0)))
               || (_keptSlotLent && _options.TimeProvider.GetElapsedTime(_keptSlotLentAt) >= KeptSlotLoan));

    /// <summary>
    /// When the queues are drained and a slot is free, keeps that slot for a hand-off (checked and taken under one
    /// lock, so nothing else takes the slot in between) and returns true: the caller advertises it.
    /// </summary>
    private bool TryBeginAdvertise()
    {
        lock (_gate)
        {
            if (!ShouldAdvertiseLocked())
            {
                return false;
            }

            // Kept from now on: the row may arrive before the statement's reply. The statement sets the database's
            // state whatever it was, so nothing is in doubt any more.
            _handOff = HandOffSlot.Advertised;
            _slotInDoubt = false;
            return true;
        }
    }

    private bool ShouldAdvertiseLocked()
        => _acceptsHandOffs && _handOff == HandOffSlot.None && !_mayHaveWork && _heartbeatHealthy && _completer.FailingSince is null
           && _idle is null && _buffer.Count == 0 && _running < _options.MaxConcurrency;

    private async Task AdvertiseAsync(CancellationToken stop)
    {
        try
        {
            if (!await _claims.AdvertiseAsync(_workerId, _queues, FreshFor, stop).ConfigureAwait(false))
            {
                // The worker's row is gone (taken for dead): nothing was advertised; the heartbeat writes the row again.
                lock (_gate)
                {
                    if (_handOff == HandOffSlot.Advertised)
                    {
                        NoSlotKeptLocked();
                    }
                }
            }
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // Maybe written, maybe not: the slot stays kept until a withdraw says which.
            Log.HandOffSlotFailed(_logger, ex, _workerId);
            lock (_gate)
            {
                _slotInDoubt |= _handOff == HandOffSlot.Advertised;
            }
        }
    }

    private async Task WithdrawAsync(CancellationToken cancellationToken)
    {
        var back = await _claims.WithdrawAsync(_workerId, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _slotInDoubt = false;
            if (_handOff != HandOffSlot.Advertised)
            {
                // The hand-off arrived while we asked.
                return;
            }

            if (back)
            {
                NoSlotKeptLocked();
            }
            else
            {
                _handOff = HandOffSlot.Taken;
                _handOffTakenAt = Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>
    /// A row an enqueue handed to this worker (<see cref="HandOff"/>): it runs on the slot kept for it. One that comes
    /// when no slot is kept (it was late, or the slot was given up for lost) is still ours in the database and runs as
    /// soon as a slot is free; one this worker already holds is a repeat and is dropped.
    /// </summary>
    public void OnHandOff(ClaimedExecution row)
    {
        lock (_gate)
        {
            if (!_held.TryAdd(row.Id, new Hold()))
            {
                return;
            }

            if (_handOff != HandOffSlot.None)
            {
                NoSlotKeptLocked();
            }
            else
            {
                Log.HandOffUnexpected(_logger, _workerId, row.Id);
            }

            _buffer.Enqueue(row);
        }

        Pump();
        // The loop offers the slot again (or claims, if work came meanwhile).
        _wake.Set();
    }

    /// <summary>
    /// No slot is kept for a hand-off any more (it came back, its row arrived, it was given up for lost, or the worker's
    /// row was gone): whatever was lent of it (<see cref="TryReserveLocalStart"/>) is an ordinary running slot.
    /// </summary>
    private void NoSlotKeptLocked()
    {
        _handOff = HandOffSlot.None;
        _keptSlotLent = false;
    }

    /// <summary>Slots kept free for a hand-off (0 or 1): none while the kept one is lent to an eager start.</summary>
    private int ReservedLocked()
    {
        if (_handOff == HandOffSlot.Taken && Stopwatch.GetElapsedTime(_handOffTakenAt) > HandOffArrival)
        {
            // Its NOTIFY was lost: the heartbeat hands the row back once it is old enough; the slot is ours again.
            Log.HandOffMissed(_logger, _workerId);
            HandOffMissed = true;
            NoSlotKeptLocked();
        }

        return _handOff == HandOffSlot.None || _keptSlotLent ? 0 : 1;
    }

    /// <summary>How many rows to claim now: zero until enough room is free for a worthwhile batch.</summary>
    private int ClaimLimit()
    {
        lock (_gate)
        {
            return ClaimLimitLocked();
        }
    }

    private int ClaimLimitLocked() => ClaimLimitLocked(ReservedLocked());

    private int ClaimLimitLocked(int reserved)
    {
        var max = _options.MaxConcurrency;
        var prefetching = !double.IsNaN(_averageTicks) && _averageTicks < ShortExecution.Ticks;
        var capacity = prefetching ? max * (1 + PrefetchFactor) : max;
        var held = _running + _buffer.Count + reserved;
        var room = capacity - held;
        // Claim-ahead claims in halves of its capacity, so each round trip carries a real batch.
        var worthwhile = prefetching && held > 0 ? capacity / 2 : 1;
        return room >= worthwhile ? room : 0;
    }

    private void Accept(List<ClaimedExecution> claimed)
    {
        if (claimed.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var row in claimed)
            {
                _held[row.Id] = new Hold();
                _buffer.Enqueue(row);
            }
        }

        Pump();
    }

    /// <summary>Starts buffered rows while slots are free.</summary>
    private void Pump()
    {
        while (true)
        {
            ClaimedExecution row;
            lock (_gate)
            {
                if (_running + ReservedLocked() >= _options.MaxConcurrency || !_buffer.TryDequeue(out row!))
                {
                    return;
                }

                _running++;
            }

            Start(row);
        }
    }

    public bool TryReserveSlot(bool handedOver = false)
    {
        lock (_gate)
        {
            if ((_running + ReservedLocked() >= _options.MaxConcurrency && !handedOver) || _idle is not null)
            {
                return false;
            }

            _running++;
            return true;
        }
    }

    /// <summary>
    /// Takes eager starts from now on (<see cref="TryReserveLocalStart"/>), until the claim loop (<see cref="RunAsync"/>,
    /// started next) ends: called before that loop starts, so the worker takes them as soon as its start returns.
    /// </summary>
    public void AcceptEagerStarts()
    {
        lock (_gate)
        {
            _acceptsEagerStarts = true;
        }
    }

    /// <summary>
    /// Reserves a free slot for an execution this process is about to insert running under this worker (eager start,
    /// <see cref="Persistence.CurrantStore.InsertLocalAsync"/>): only while the claim loop runs, the heartbeat and the
    /// completer are healthy and no claimed row waits for a slot (as a claim would take work). The caller then starts
    /// the row (<see cref="StartReserved"/>) or gives the slot back (<see cref="ReleaseSlot"/>).
    /// </summary>
    /// <remarks>
    /// When the only free slot is the one kept for a hand-off, and no enqueue has taken it yet, the eager start
    /// borrows it: the advertisement stays in the database, and the next run here to end gives the slot back to it.
    /// A client that keeps its own worker busy would otherwise send every start beyond the other slots the hand-off
    /// way (its NOTIFY, the worker advertising again once the row arrived) and, while such a row waits, the rows
    /// behind it the claim way: a quarter to a third of the workflow bench's starts (docs/benchmarks.md). A row another
    /// client hands over meanwhile waits for the next free slot here, as a claimed row would; a loan that lasts
    /// <see cref="KeptSlotLoan"/> (no run here ends, so they are long) makes the claim loop take the advertisement back.
    /// </remarks>
    public bool TryReserveLocalStart()
    {
        lock (_gate)
        {
            if (!_acceptsEagerStarts || !_heartbeatHealthy || _completer.FailingSince is not null || _idle is not null || _buffer.Count > 0)
            {
                return false;
            }

            if (_running + ReservedLocked() < _options.MaxConcurrency)
            {
                _running++;
                return true;
            }

            if (_handOff != HandOffSlot.Advertised || _keptSlotLent || _running >= _options.MaxConcurrency)
            {
                return false;
            }

            _keptSlotLent = true;
            _keptSlotLentAt = _options.TimeProvider.GetTimestamp();
            _running++;
            // Rings the claim loop once the loan is due, should no run end before (which gives the slot back).
            _loanTimer ??= _options.TimeProvider.CreateTimer(static state => ((Producer)state!).OnLoanDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _loanTimer.Change(KeptSlotLoan, Timeout.InfiniteTimeSpan);
            return true;
        }
    }

    private void OnLoanDue()
    {
        if (NeedsSlotBack())
        {
            _wake.Set();
        }
    }

    public void ReleaseSlot() => Finished(elapsedTicks: null);

    public void StartReserved(ClaimedExecution row)
    {
        _held[row.Id] = new Hold();
        Start(row);
    }

    private void Start(ClaimedExecution row) => _ = Task.Run(() => RunRowAsync(row));

    private async Task RunRowAsync(ClaimedExecution row)
    {
        // This run's own entry: a later activation of the same workflow, claimed here once this one committed, puts
        // its own, which this run's end must leave in place.
        _held.TryGetValue(row.Id, out var hold);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _runner.RunAsync(row).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A runner bug must not strand the row: write a hand-back (or, when attempts are spent, a failure).
            Log.RunnerFailed(_logger, ex, row.Id, row.Kind, row.Name);
            await _completer.CompleteAsync(Completion.HandBack(row, ex, _options), row.Name).ConfigureAwait(false);
        }
        finally
        {
            if (hold is not null)
            {
                hold.Ending = true;
                _held.TryRemove(new KeyValuePair<Guid, Hold>(row.Id, hold));
            }

            // The slot first: a caller woken by the run's end may enqueue its next execution at once, and find it free.
            Finished(Stopwatch.GetElapsedTime(started).Ticks);
            RunEnded?.Invoke(row.Id);
        }
    }

    private void Finished(long? elapsedTicks)
    {
        bool wake;
        bool advertise;
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            _running--;
            // The slot freed is the one kept for the hand-off again, when it was lent (unless a parent's slot handed to
            // its child, TryReserveSlot, still fills every slot).
            if (_running < _options.MaxConcurrency)
            {
                _keptSlotLent = false;
            }

            if (elapsedTicks is { } ticks)
            {
                _averageTicks = double.IsNaN(_averageTicks) ? ticks : (_averageTicks * 0.9) + (ticks * 0.1);
            }

            if (_idle is not null && _running == 0 && _buffer.Count == 0)
            {
                idle = _idle;
            }

            // Wake the claim loop only when it would claim, or offer the slot just freed for a hand-off (once: then
            // it is advertised): a wake-up per finished execution costs more than it buys.
            wake = ClaimLimitLocked() > 0;
            advertise = ShouldAdvertiseLocked() || NeedsSlotBackLocked();
        }

        Pump();
        idle?.TrySetResult();
        if ((wake && _mayHaveWork) || advertise)
        {
            _wake.Set();
        }
    }

    /// <summary>Hands back the rows claimed but not started (shutdown): they go back to pending, attempt not spent.</summary>
    public async Task HandBackBufferedAsync()
    {
        ClaimedExecution[] buffered;
        lock (_gate)
        {
            buffered = [.. _buffer];
            _buffer.Clear();
        }

        foreach (var row in buffered)
        {
            await _completer.CompleteAsync(Completion.Release(row.Id, row.Fence), row.Name).ConfigureAwait(false);
            _held.TryRemove(row.Id, out _);
            RunEnded?.Invoke(row.Id);
        }
    }

    /// <summary>Completes when nothing runs any more (call after the claim loop stopped); false on timeout.</summary>
    public async Task<bool> WaitIdleAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task idle;
        lock (_gate)
        {
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_running == 0 && _buffer.Count == 0)
            {
                _idle.TrySetResult();
            }

            idle = _idle.Task;
        }

        try
        {
            await idle.WaitAsync(timeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>A row this worker holds, one per claim or start: <see cref="Ending"/> once its run returned.</summary>
    private sealed class Hold
    {
        public volatile bool Ending;
    }
}
