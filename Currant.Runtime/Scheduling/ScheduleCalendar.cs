using Cronos;

namespace Currant.Scheduling;

/// <summary>
/// A parsed cron expression in its time zone (Cronos): the fire times, computed in UTC. DST follows Cronos's rules:
/// a local time skipped by spring-forward fires once at the moment the clocks jump; a local time repeated by
/// fall-back fires once (at its first occurrence), except for expressions that fire every hour or more often, which
/// fire in both.
/// </summary>
internal sealed class ScheduleCalendar
{
    private static readonly TimeSpan FirstLookBack = TimeSpan.FromMinutes(1);

    private readonly CronExpression _expression;
    private readonly TimeZoneInfo _zone;

    private ScheduleCalendar(CronExpression expression, TimeZoneInfo zone)
    {
        _expression = expression;
        _zone = zone;
    }

    /// <summary>Parses <paramref name="cron"/> in <paramref name="timeZone"/>; throws <see cref="ArgumentException"/> naming the problem.</summary>
    public static ScheduleCalendar Parse(string cron, string timeZone)
    {
        ArgumentNullException.ThrowIfNull(cron);
        ArgumentNullException.ThrowIfNull(timeZone);
        CronExpression expression;
        try
        {
            var fields = cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            expression = CronExpression.Parse(cron.Trim(), fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            throw new ArgumentException(
                $"'{cron}' is not a valid cron expression: {ex.Message} Use five fields (minute hour day-of-month month day-of-week), six with seconds first, or a macro such as @daily.",
                nameof(cron), ex);
        }

        return new ScheduleCalendar(expression, FindZone(timeZone));
    }

    /// <summary>The time zone with IANA (or Windows) id <paramref name="timeZone"/>; throws <see cref="ArgumentException"/> when unknown.</summary>
    public static TimeZoneInfo FindZone(string timeZone)
    {
        if (string.Equals(timeZone, "UTC", StringComparison.OrdinalIgnoreCase))
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException(
                $"'{timeZone}' is not a time zone this machine knows: use an IANA id such as 'Europe/Berlin' or 'UTC' (and install tzdata where it is missing).",
                nameof(timeZone), ex);
        }
    }

    /// <summary>The first fire time after <paramref name="utc"/> (or at it, when <paramref name="inclusive"/>); null when none is left.</summary>
    public DateTime? Next(DateTime utc, bool inclusive = false)
        => _expression.GetNextOccurrence(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _zone, inclusive);

    /// <summary>
    /// The latest fire time in [<paramref name="from"/>, <paramref name="to"/>], or null. Searches backwards from
    /// <paramref name="to"/> in doubling windows, so a per-second expression after a year away costs a few small
    /// windows, not thirty million occurrences.
    /// </summary>
    public DateTime? Latest(DateTime from, DateTime to)
    {
        from = DateTime.SpecifyKind(from, DateTimeKind.Utc);
        to = DateTime.SpecifyKind(to, DateTimeKind.Utc);
        if (from > to)
        {
            return null;
        }

        var span = FirstLookBack;
        while (true)
        {
            var start = to - from > span ? to - span : from;
            DateTime? latest = null;
            foreach (var occurrence in _expression.GetOccurrences(start, to, _zone, fromInclusive: true, toInclusive: true))
            {
                latest = occurrence;
            }

            if (latest is not null || start == from)
            {
                return latest;
            }

            span = span < TimeSpan.FromDays(3650) ? span * 2 : TimeSpan.MaxValue / 2;
        }
    }
}
