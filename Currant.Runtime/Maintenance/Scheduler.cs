using System.Collections.Concurrent;
using Currant.Persistence;
using Currant.Scheduling;
using Currant.Worker;
using Microsoft.Extensions.Logging;

namespace Currant.Maintenance;

/// <summary>
/// The scheduler role: fires the schedules of the worker's queues, without a leader. Every worker of a queue runs
/// it; a pass locks due schedules with SKIP LOCKED and, in one transaction, enqueues each fire time's run (keyed by
/// schedule and fire time) and advances the schedule, so a fire time is enqueued exactly once however many workers
/// race and whichever dies mid-pass (db/0010).
/// </summary>
/// <remarks>
/// On time without polling fast: like the producer, it sleeps on a <see cref="WakeAlarm"/> armed at the next due time
/// the database reports for its queues (a delay by the database's clock, so never early), woken earlier by
/// currant_due notifications, which every schedule upsert and resume sends. The poll is only the fallback, and the
/// way a fire time held by <see cref="ScheduleOverlap.BufferOne"/> learns that the run it waits for has ended.
/// </remarks>
internal sealed class Scheduler(CurrantStore store, string[] queues, WorkerOptions options, ILogger logger) : IDisposable
{
    /// <summary>Due schedules one pass takes; more are taken by the next pass at once.</summary>
    private const int PassLimit = 32;

    /// <summary>How soon to look again when due schedules were held by another worker or could not fire.</summary>
    private static readonly TimeSpan BusyRetry = TimeSpan.FromMilliseconds(100);

    private readonly WakeAlarm _alarm = new(options.TimeProvider);
    private readonly ConcurrentDictionary<string, ScheduleCalendar> _calendars = new(StringComparer.Ordinal);
    private readonly string _queueList = string.Join(",", queues);

    /// <summary>The [Schedule] schedules a start could not store (the database was unreachable); the loop stores them.</summary>
    private IReadOnlyList<NewSchedule>? _undeclared;

    /// <summary>A schedule of these queues becomes due after <paramref name="delay"/>.</summary>
    public void WakeIn(TimeSpan delay) => _alarm.WakeIn(delay);

    /// <summary>
    /// Creates or updates the <c>[Schedule]</c> schedules of <paramref name="definitions"/> (the registered ones) on this worker's queues and
    /// deletes the attribute schedules of those queues that no registered definition declares any more. Throws
    /// <see cref="InvalidOperationException"/> naming the class for a schedule that cannot work.
    /// </summary>
    public async Task DeclareAsync(CurrantClient client, IEnumerable<ExecutionDefinition> definitions, CancellationToken cancellationToken)
    {
        var declared = new List<NewSchedule>();
        foreach (var definition in definitions.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            if (definition.Schedule is not { } spec)
            {
                continue;
            }

            var queue = definition.Queue ?? client.Options.Defaults.Queue;
            if (Array.IndexOf(queues, queue) < 0)
            {
                continue;
            }

            if (definition.ParameterNames.Count > 0)
            {
                throw new InvalidOperationException(
                    $"[Schedule] on '{definition.Name}' needs a method without parameters; for arguments, call {definition.Name}.Schedule(name, cron, args…) instead (CUR2052).");
            }

            try
            {
                declared.Add(CurrantSchedules.Build(client, definition.Name, spec, definition, "[]"u8.ToArray(), options: null, fromAttribute: true));
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOperationException($"[Schedule] on '{definition.Name}': {ex.Message}", ex);
            }
        }

        try
        {
            await StoreDeclaredAsync(declared, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ConnectionFailures.IsConnectionLoss(ex) && !cancellationToken.IsCancellationRequested)
        {
            // The database went away right after the first heartbeat: start anyway (the worker rides out outages)
            // and store them from the loop once it is back.
            _undeclared = declared;
            ScheduleLog.DeclareDeferred(logger, ex, _queueList);
        }
    }

    private async Task StoreDeclaredAsync(IReadOnlyList<NewSchedule> declared, CancellationToken cancellationToken)
    {
        var (stored, deleted) = await store.UpsertSchedulesAsync(declared, deleteUndeclaredIn: queues, cancellationToken).ConfigureAwait(false);
        if (stored.Count > 0)
        {
            ScheduleLog.Declared(logger, _queueList, stored.Count);
        }

        foreach (var name in deleted)
        {
            ScheduleLog.Undeclared(logger, name, _queueList);
        }
    }

    /// <summary>The loop; returns when <paramref name="stop"/> fires.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var slowPoll = options.PollInterval * 5;
        while (!stop.IsCancellationRequested)
        {
            var poll = slowPoll;
            try
            {
                if (_undeclared is { } pending)
                {
                    await StoreDeclaredAsync(pending, stop).ConfigureAwait(false);
                    _undeclared = null;
                }

                var (nextDue, anyBuffered) = await store.NextScheduleDueAsync(queues, stop).ConfigureAwait(false);
                if (anyBuffered)
                {
                    poll = options.PollInterval;
                }

                var dueNow = nextDue is { } late && late <= TimeSpan.Zero;
                if (dueNow || anyBuffered)
                {
                    var (handled, _, stuck) = await FireAsync(stop).ConfigureAwait(false);
                    if (handled > stuck)
                    {
                        // A schedule moved on: read the next due time again at once (a catch-up may have more).
                        continue;
                    }

                    if (dueNow && handled == 0)
                    {
                        // Due but held by another worker's pass: look again shortly (it commits or its
                        // connection dies and the lock goes with it).
                        _alarm.WakeIn(BusyRetry);
                    }
                }

                if (nextDue is { } delay && delay > TimeSpan.Zero)
                {
                    _alarm.WakeIn(delay);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (!stop.IsCancellationRequested)
            {
                // Whatever went wrong (the database away, a row another version wrote), the loop must live on: the
                // next poll tries again.
                ScheduleLog.PassFailed(logger, ex, _queueList);
            }

            try
            {
                await _alarm.WaitAsync(poll, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>One pass: returns the schedules it locked, the runs it enqueued and the schedules it could not fire.</summary>
    private async Task<(int Handled, int Runs, int Stuck)> FireAsync(CancellationToken cancellationToken)
    {
        var stuck = 0;
        var (handled, runs) = await store.FireDueSchedulesAsync(queues, PassLimit, due =>
        {
            try
            {
                var calendar = _calendars.GetOrAdd(due.Cron + "\n" + due.TimeZone, static (_, d) => ScheduleCalendar.Parse(d.Cron, d.TimeZone), due);
                var decision = ScheduleDecision.Decide(due, calendar);
                if (decision.Dropped > 0)
                {
                    ScheduleLog.Dropped(logger, due.Name, decision.Dropped);
                }

                if (decision.Fires.Count == 0 && decision.NextRunAt == due.NextRunAt && decision.BufferedAt == due.BufferedAt)
                {
                    // Waiting for a running run (BufferOne): nothing changes.
                    stuck++;
                    return null;
                }

                return decision;
            }
            catch (ArgumentException ex)
            {
                // Stored by another version or on a machine with other time zones: this worker cannot compute it.
                ScheduleLog.Unfireable(logger, due.Name, ex.Message);
                stuck++;
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);

        if (runs > 0)
        {
            ScheduleLog.Fired(logger, handled, runs);
        }

        return (handled, runs, stuck);
    }

    public void Dispose() => _alarm.Dispose();
}
