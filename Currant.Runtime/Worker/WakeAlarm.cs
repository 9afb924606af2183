namespace Currant.Worker;

/// <summary>
/// What wakes the producer's claim loop: a signal (something may be claimable now) and one alarm (the earliest due
/// time the worker knows of), besides the poll.
/// </summary>
/// <remarks>
/// <para>
/// One alarm is enough: a later due time adds nothing, because the claim the earlier alarm triggers reads the next
/// due time of the worker's queues again (<c>ExecutionQueries.NextDue</c>), and the alarm is cleared only when it
/// rings. An alarm is armed at the moment a due time is learned plus the delay the database (or the writer) gave, so
/// it rings at or a round trip after the due time, never early, whatever the clocks of workers and database say.
/// </para>
/// <para>
/// The alarm rings from a thread of its own, in a kernel timed wait (Monitor.Wait): .NET's timers (Task.Delay, the
/// timeouts of SemaphoreSlim.WaitAsync) count time on CLOCK_MONOTONIC_COARSE, and on this machine they fired up to
/// 3.3 ms early and 1.3-4 ms late at p50, against 0.1 ms late for a timed wait (measured, docs/benchmarks.md). The
/// thread starts with the first alarm and sleeps until an alarm is armed, so a worker without delayed work pays
/// nothing for it.
/// </para>
/// <para>
/// Set and arming are on hot paths (every finished execution may call Set): each costs one interlocked operation when
/// it changes nothing. The semaphore is only a doorbell: the waiter re-reads the state after every ring, so a ring
/// that races with the waiter's reset costs one more look, never a lost wake-up.
/// </para>
/// </remarks>
internal sealed class WakeAlarm(TimeProvider time) : IDisposable
{
    private const long NoAlarm = long.MaxValue;

    /// <summary>Longer delays are armed as this: the poll comes first anyway, and the claim it makes re-reads the due time.</summary>
    private static readonly TimeSpan LongestDelay = TimeSpan.FromDays(1);

    private readonly SemaphoreSlim _doorbell = new(0, 1);
    // Monitor.Wait and Pulse need a Monitor lock (System.Threading.Lock has neither).
    private readonly object _gate = new();
    private int _rung;
    private int _set;
    private long _alarm = NoAlarm;
    private Thread? _ringer;
    private bool _disposed;

    /// <summary>Wakes the waiter now.</summary>
    public void Set()
    {
        Volatile.Write(ref _set, 1);
        Ring();
    }

    /// <summary>Arms the alarm <paramref name="delay"/> from now, unless it is armed earlier already.</summary>
    public void WakeIn(TimeSpan delay)
    {
        var ticks = Math.Clamp(delay.Ticks, 0, LongestDelay.Ticks);
        var at = time.GetTimestamp() + (long)(ticks * (double)time.TimestampFrequency / TimeSpan.TicksPerSecond);
        var current = Volatile.Read(ref _alarm);
        while (at < current)
        {
            var seen = Interlocked.CompareExchange(ref _alarm, at, current);
            if (seen == current)
            {
                // The ringer sleeps until the old alarm: it must look again.
                lock (_gate)
                {
                    if (!_disposed)
                    {
                        _ringer ??= StartRinger();
                        Monitor.Pulse(_gate);
                    }
                }

                return;
            }

            current = seen;
        }
    }

    /// <summary>
    /// Waits for <see cref="Set"/> (true), or for the alarm or the end of <paramref name="poll"/> (false); an alarm
    /// that rings is cleared.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan poll, CancellationToken cancellationToken)
    {
        var pollAt = time.GetTimestamp() + (long)(poll.Ticks * (double)time.TimestampFrequency / TimeSpan.TicksPerSecond);
        while (true)
        {
            if (Interlocked.Exchange(ref _set, 0) == 1)
            {
                return true;
            }

            var now = time.GetTimestamp();
            if (Volatile.Read(ref _alarm) <= now)
            {
                // Arming only ever moves the alarm earlier, so whatever it holds now has rung too.
                Interlocked.Exchange(ref _alarm, NoAlarm);
                return false;
            }

            if (pollAt <= now)
            {
                return false;
            }

            // The poll may be a few milliseconds off (a .NET timer); the alarm rings the doorbell itself.
            var milliseconds = (int)Math.Min(int.MaxValue, Math.Ceiling(time.GetElapsedTime(now, pollAt).TotalMilliseconds));
            if (await _doorbell.WaitAsync(milliseconds, cancellationToken).ConfigureAwait(false))
            {
                Volatile.Write(ref _rung, 0);
            }
        }
    }

    private void Ring()
    {
        if (Interlocked.Exchange(ref _rung, 1) == 0)
        {
            _doorbell.Release();
        }
    }

    private Thread StartRinger()
    {
        var thread = new Thread(RunRinger) { IsBackground = true, Name = "Currant wake alarm" };
        thread.Start();
        return thread;
    }

    /// <summary>Sleeps until the alarm is due, rings, and sleeps again until it is armed anew.</summary>
    private void RunRinger()
    {
        lock (_gate)
        {
            var rang = NoAlarm;
            while (!_disposed)
            {
                var alarm = Volatile.Read(ref _alarm);
                if (alarm == NoAlarm || alarm == rang)
                {
                    // Nothing armed, or rung and not yet taken by the waiter: WakeIn or Dispose pulses.
                    Monitor.Wait(_gate);
                    continue;
                }

                var remaining = time.GetElapsedTime(time.GetTimestamp(), alarm);
                if (remaining > TimeSpan.Zero)
                {
                    // Rounded up: never early.
                    Monitor.Wait(_gate, (int)Math.Min(int.MaxValue, Math.Ceiling(remaining.TotalMilliseconds)));
                    continue;
                }

                rang = alarm;
                Ring();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.Pulse(_gate);
        }
    }
}
