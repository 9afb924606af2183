using Currant.Persistence;
using Microsoft.Extensions.Logging;

namespace Currant.Worker;

/// <summary>
/// The heartbeat role: proves every interval that this worker lives, picks up cancellations a missed NOTIFY did not
/// deliver, and pauses the producer while the heartbeat fails (others may soon take our work).
/// </summary>
/// <remarks>
/// When the completer has been unable to write for longer than the heartbeat timeout, the heartbeat is let lapse
/// on purpose: this worker cannot report outcomes, so the others rescue its rows and its late writes are fenced.
/// It beats again once the completer writes.
/// </remarks>
internal sealed class HeartbeatService(
    CurrantStore store, Guid workerId, string[] queues, WorkerOptions options, Producer producer, ICompleter completer, JobRunner jobs, ILogger logger)
{
    private long _lastBeatTicks;
    private bool _lapsing;

    /// <summary>When the last heartbeat succeeded; null before the first.</summary>
    public DateTimeOffset? LastBeat => Volatile.Read(ref _lastBeatTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>One heartbeat. Throws when it fails (so start-up can report a database problem at once).</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        if (completer.FailingSince is { } since && options.TimeProvider.GetUtcNow() - since > options.HeartbeatTimeout)
        {
            if (!_lapsing)
            {
                _lapsing = true;
                Log.HeartbeatLapsing(logger, workerId, options.HeartbeatTimeout);
            }

            producer.HeartbeatHealthy = false;
            return;
        }

        _lapsing = false;
        List<HeldExecution> held;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            // A beat that hangs is as bad as one that fails: give up before the timeout would matter to others.
            timeout.CancelAfter(options.HeartbeatTimeout / 3);
            held = await store.HeartbeatAsync(workerId, Environment.MachineName, Environment.ProcessId, queues, OrphanAfter, HandedOffOrphanAfter, timeout.Token).ConfigureAwait(false);
        }

        Volatile.Write(ref _lastBeatTicks, options.TimeProvider.GetUtcNow().UtcTicks);
        producer.HeartbeatHealthy = true;
        foreach (var row in held)
        {
            if (row.CancelRequested)
            {
                jobs.RequestCancel(row.Id);
            }

            // Ours in the database but unknown here, for longer than any claim reply can take: a claim whose reply
            // was lost. Nothing will ever run or finish it, so hand it back (fenced by its token, like any write).
            if (row.OlderThanOrphanAge && !producer.Holds(row.Id) && completer.FailingSince is null)
            {
                Log.OrphanReleased(logger, row.Id, workerId);
                await completer.CompleteAsync(Completion.Release(row.Id, row.Fence), "(unknown)").ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// How old a row handed to this worker at its insert must be before the worker may treat it as one it never heard
    /// of: no claim reply can be in flight for it, only its NOTIFY, delivered in milliseconds (lost with the listen
    /// connection).
    /// </summary>
    private static readonly TimeSpan HandedOffOrphanAfter = TimeSpan.FromSeconds(5);

    /// <summary>How old a held row must be before the worker may treat it as a claim whose reply it never got.</summary>
    private TimeSpan OrphanAfter => TimeSpan.FromTicks(Math.Max(options.HeartbeatInterval.Ticks * 2, (Producer.ClaimTimeout + TimeSpan.FromSeconds(5)).Ticks));

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.HeartbeatInterval, options.TimeProvider, stop).ConfigureAwait(false);
                await BeatAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                producer.HeartbeatHealthy = false;
                Log.HeartbeatFailed(logger, ex, workerId);
            }
        }
    }
}
