using Currant.Persistence;

namespace Currant.Scheduling;

/// <summary>What one scheduler pass does with one due schedule: the fire times it enqueues and the schedule's new state.</summary>
internal sealed record ScheduleDecision(
    IReadOnlyList<DateTime> Fires,
    DateTime? NextRunAt,
    DateTime? BufferedAt,
    DateTime? LastRunAt,
    int Dropped)
{
    /// <summary>Fire times one pass enqueues at most per schedule under <see cref="ScheduleCatchUp.All"/>; the rest wait for the next pass, moments later.</summary>
    public const int MaxFiresPerPass = 100;

    /// <summary>
    /// Applies the catch-up policy (which due fire times count) and the overlap policy (which of them enqueue a run)
    /// to <paramref name="due"/>, as of the database's clock.
    /// </summary>
    public static ScheduleDecision Decide(DueSchedule due, ScheduleCalendar calendar)
    {
        var now = due.Now;
        var fires = new List<DateTime>();
        var dropped = 0;
        var active = due.PreviousActive;
        var buffered = due.BufferedAt;

        // A held fire time goes first, once the run it waited for has ended.
        if (buffered is { } held && !active)
        {
            fires.Add(held);
            buffered = null;
            active = true;
        }

        var next = due.NextRunAt;
        var windowStart = due.CatchUpWindow is { } window && now - DateTime.MinValue > window ? now - window : DateTime.MinValue;
        var candidates = new List<DateTime>();
        if (next is { } first && first <= now)
        {
            if (due.CatchUp == ScheduleCatchUp.Latest)
            {
                if (calendar.Latest(first > windowStart ? first : windowStart, now) is { } latest)
                {
                    candidates.Add(latest);
                }
                else
                {
                    dropped++;
                }

                next = calendar.Next(now);
            }
            else
            {
                DateTime? at = first >= windowStart ? first : calendar.Next(windowStart, inclusive: true);
                if (at != first)
                {
                    dropped++;
                }

                while (at is { } t && t <= now && candidates.Count < MaxFiresPerPass)
                {
                    candidates.Add(t);
                    at = calendar.Next(t);
                }

                next = at;
            }
        }

        foreach (var fire in candidates)
        {
            if (!active || due.Overlap == ScheduleOverlap.Allow)
            {
                fires.Add(fire);
                active = true;
            }
            else if (due.Overlap == ScheduleOverlap.BufferOne && buffered is null)
            {
                buffered = fire;
            }
            else
            {
                dropped++;
            }
        }

        var lastRun = due.LastRunAt;
        foreach (var fire in fires)
        {
            if (lastRun is null || fire > lastRun)
            {
                lastRun = fire;
            }
        }

        return new ScheduleDecision(fires, next, buffered, lastRun, dropped);
    }
}
