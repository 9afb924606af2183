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
    private static readonly TimeSpan HandOffArrival = TimeSpan.FromSeconds(5);

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
    private readonly ConcurrentDictionary<Guid, byte> _held = new();
    private int _running;
    private double _averageTicks = double.NaN;
    private TaskCompletionSource? _idle;
    private volatile bool _mayHaveWork = true;
    private volatile bool _heartbeatHealthy = true;
    private int _wakeups;
    private readonly FailureStreak _claimFailures;
    private HandOffSlot _handOff;
    private long _handOffTakenAt;
    private volatile bool _acceptsHandOffs;

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
    /// Set once the worker hears NOTIFY: only then does it advertise a slot for hand-offs (a poll-only worker would
    /// never hear the row it was handed).
    /// </summary>
    public bool AcceptsHandOffs
    {
        set => _acceptsHandOffs = value;
    }

    /// <summary>True when the producer stopped with a hand-off taken that never arrived: its row is still ours.</summary>
    public bool HandOffMissed { get; private set; }

    /// <summary>True while this worker knows it holds <paramref name="id"/> (buffered, running, or finishing).</summary>
    public bool Holds(Guid id) => _held.ContainsKey(id);

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
                        (claimed, var nextDue) = await _claims.ClaimAsync(_workerId, _queues, limit, timeout.Token).ConfigureAwait(false);
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
                    if (_mayHaveWork && ClaimLimit() > 0)
                    {
                        continue;
                    }
                }

                if (ShouldAdvertise())
                {
                    await AdvertiseAsync(stop).ConfigureAwait(false);
                }

                var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
                if (!await _wake.WaitAsync(_options.PollInterval * jitter, stop).ConfigureAwait(false))
                {
                    _mayHaveWork = true;
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

        await TakeSlotBackAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// On stop: takes the advertised slot back, so no enqueue hands this worker anything more, and waits briefly for
    /// a hand-off already taken (it runs like the rest). One that never arrives is reported by <see cref="HandOffMissed"/>.
    /// </summary>
    private async Task TakeSlotBackAsync()
    {
        HandOffSlot slot;
        lock (_gate)
        {
            slot = _handOff;
        }

        if (slot == HandOffSlot.Advertised)
        {
            try
            {
                using var timeout = new CancellationTokenSource(ClaimTimeout);
                await WithdrawAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
            {
                // Whether a row was handed here is unknown: release whatever of ours is left once the rest finished.
                Log.HandOffSlotFailed(_logger, ex, _workerId);
                HandOffMissed = true;
                return;
            }
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(HandOffArrival.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            lock (_gate)
            {
                if (_handOff != HandOffSlot.Taken)
                {
                    return;
                }
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                Log.HandOffMissed(_logger, _workerId);
                HandOffMissed = true;
                return;
            }

            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>True when claimed work waits for the slot kept for a hand-off: take it back first.</summary>
    private bool NeedsSlotBack()
    {
        lock (_gate)
        {
            return _handOff == HandOffSlot.Advertised && _running + 1 >= _options.MaxConcurrency
                   && (_buffer.Count > 0 || (_mayHaveWork && ClaimLimitLocked(reserved: 0) > 0));
        }
    }

    /// <summary>True when the queues are drained and a slot is free: offer it to the next enqueue.</summary>
    private bool ShouldAdvertise()
    {
        lock (_gate)
        {
            return ShouldAdvertiseLocked();
        }
    }

    private bool ShouldAdvertiseLocked()
        => _acceptsHandOffs && _handOff == HandOffSlot.None && !_mayHaveWork && _heartbeatHealthy && _completer.FailingSince is null
           && _idle is null && _buffer.Count == 0 && _running < _options.MaxConcurrency;

    private async Task AdvertiseAsync(CancellationToken stop)
    {
        lock (_gate)
        {
            // Kept from now on: the row may arrive before the statement's reply.
            _handOff = HandOffSlot.Advertised;
        }

        try
        {
            await _claims.AdvertiseAsync(_workerId, _queues, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // Maybe written, maybe not: the slot stays kept until a withdraw says which.
            Log.HandOffSlotFailed(_logger, ex, _workerId);
        }
    }

    private async Task WithdrawAsync(CancellationToken cancellationToken)
    {
        var back = await _claims.WithdrawAsync(_workerId, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_handOff != HandOffSlot.Advertised)
            {
                // The hand-off arrived while we asked.
                return;
            }

            if (back)
            {
                _handOff = HandOffSlot.None;
            }
            else
            {
                _handOff = HandOffSlot.Taken;
                _handOffTakenAt = Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>
    /// A row an enqueue handed to this worker (<see cref="HandOff"/>): it runs on the slot kept for it. One this worker
    /// is not expecting is left alone; the heartbeat hands it back.
    /// </summary>
    public void OnHandOff(ClaimedExecution row)
    {
        lock (_gate)
        {
            if (_handOff == HandOffSlot.None)
            {
                Log.HandOffUnexpected(_logger, _workerId, row.Id);
                return;
            }

            _handOff = HandOffSlot.None;
            _running++;
            _held[row.Id] = 0;
        }

        Start(row);
        // The loop offers the slot again (or claims, if work came meanwhile).
        _wake.Set();
    }

    /// <summary>Slots kept for a hand-off (0 or 1).</summary>
    private int ReservedLocked()
    {
        if (_handOff == HandOffSlot.Taken && Stopwatch.GetElapsedTime(_handOffTakenAt) > HandOffArrival)
        {
            // Its NOTIFY was lost (the listener reconnected): the heartbeat hands the row back; the slot is ours again.
            Log.HandOffMissed(_logger, _workerId);
            _handOff = HandOffSlot.None;
        }

        return _handOff == HandOffSlot.None ? 0 : 1;
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
                _held[row.Id] = 0;
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

    public void ReleaseSlot() => Finished(elapsedTicks: null);

    public void StartReserved(ClaimedExecution row)
    {
        _held[row.Id] = 0;
        Start(row);
    }

    private void Start(ClaimedExecution row) => _ = Task.Run(() => RunRowAsync(row));

    private async Task RunRowAsync(ClaimedExecution row)
    {
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
            _held.TryRemove(row.Id, out _);
            Finished(Stopwatch.GetElapsedTime(started).Ticks);
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
            advertise = ShouldAdvertiseLocked();
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
}
