using Currant.Scheduling;

namespace Currant.Tests.Schedules;

/// <summary>Fire times from Cronos in a time zone: DST in Europe/Berlin, seconds, and clear errors.</summary>
public sealed class ScheduleCalendarTests
{
    private static DateTime Utc(int year, int month, int day, int hour, int minute, int second = 0)
        => new(year, month, day, hour, minute, second, DateTimeKind.Utc);

    [Test]
    public void Next_DailyInBerlin_FollowsTheOffsetAcrossSpringForward()
    {
        var calendar = ScheduleCalendar.Parse("0 3 * * *", "Europe/Berlin");

        // 03:00 CET is 02:00 UTC the day before the change; 03:00 CEST is 01:00 UTC from 29 March 2026 on.
        Assert.That(calendar.Next(Utc(2026, 3, 27, 12, 0)), Is.EqualTo(Utc(2026, 3, 28, 2, 0)));
        Assert.That(calendar.Next(Utc(2026, 3, 28, 12, 0)), Is.EqualTo(Utc(2026, 3, 29, 1, 0)));
        Assert.That(calendar.Next(Utc(2026, 3, 29, 12, 0)), Is.EqualTo(Utc(2026, 3, 30, 1, 0)));
    }

    [Test]
    public void Next_LocalTimeSkippedBySpringForward_FiresOnceWhenTheClocksJump()
    {
        // 02:30 does not exist in Berlin on 29 March 2026 (02:00 CET jumps to 03:00 CEST = 01:00 UTC).
        var calendar = ScheduleCalendar.Parse("30 2 * * *", "Europe/Berlin");

        Assert.That(calendar.Next(Utc(2026, 3, 28, 12, 0)), Is.EqualTo(Utc(2026, 3, 29, 1, 0)), "at the jump, not skipped");
        Assert.That(calendar.Next(Utc(2026, 3, 29, 1, 0)), Is.EqualTo(Utc(2026, 3, 30, 0, 30)), "and once only; the next day at 02:30 CEST");
    }

    [Test]
    public void Next_LocalTimeRepeatedByFallBack_FiresOnceForADailyExpression()
    {
        // 02:30 happens twice in Berlin on 25 October 2026: 00:30 UTC (CEST) and 01:30 UTC (CET).
        var calendar = ScheduleCalendar.Parse("30 2 * * *", "Europe/Berlin");

        var first = calendar.Next(Utc(2026, 10, 24, 12, 0));
        Assert.That(first, Is.EqualTo(Utc(2026, 10, 25, 0, 30)));
        Assert.That(calendar.Next(first!.Value), Is.EqualTo(Utc(2026, 10, 26, 1, 30)), "not again at 01:30 UTC; the next day at 02:30 CET");
    }

    [Test]
    public void Next_HourlyAcrossFallBack_FiresInBothRepeatedHours()
    {
        var calendar = ScheduleCalendar.Parse("0 * * * *", "Europe/Berlin");
        var from = Utc(2026, 10, 24, 23, 30);
        var fires = new List<DateTime>();
        for (var at = calendar.Next(from); at is { } t && t < Utc(2026, 10, 25, 3, 0); at = calendar.Next(t))
        {
            fires.Add(t);
        }

        // Local 02:00 CEST (00:00 UTC) and 02:00 CET (01:00 UTC) are both real hours: an hourly job runs in each.
        Assert.That(fires, Is.EqualTo(new[] { Utc(2026, 10, 25, 0, 0), Utc(2026, 10, 25, 1, 0), Utc(2026, 10, 25, 2, 0) }));
    }

    [Test]
    public void Parse_SixFields_ReadsSecondsFirst()
    {
        var calendar = ScheduleCalendar.Parse("*/15 * * * * *", "UTC");

        Assert.That(calendar.Next(Utc(2026, 1, 1, 0, 0, 1)), Is.EqualTo(Utc(2026, 1, 1, 0, 0, 15)));
    }

    [Test]
    public void Parse_InvalidExpression_ThrowsNamingItAndTheSyntax()
    {
        var ex = Assert.Throws<ArgumentException>(() => ScheduleCalendar.Parse("61 * * * *", "UTC"));

        Assert.That(ex!.Message, Does.Contain("'61 * * * *' is not a valid cron expression").And.Contain("five fields"));
    }

    [Test]
    public void Parse_UnknownTimeZone_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => ScheduleCalendar.Parse("0 3 * * *", "Europe/Atlantis"));

        Assert.That(ex!.Message, Does.Contain("'Europe/Atlantis' is not a time zone"));
    }

    [Test]
    public void Latest_AfterAYearOfPerSecondFireTimes_FindsTheLastOneBeforeNow()
    {
        var calendar = ScheduleCalendar.Parse("* * * * * *", "UTC");

        Assert.That(calendar.Latest(Utc(2025, 1, 1, 0, 0), Utc(2026, 1, 1, 0, 0, 7)), Is.EqualTo(Utc(2026, 1, 1, 0, 0, 7)));
        Assert.That(ScheduleCalendar.Parse("0 0 1 1 *", "UTC").Latest(Utc(2020, 6, 1, 0, 0), Utc(2026, 3, 1, 0, 0)), Is.EqualTo(Utc(2026, 1, 1, 0, 0)));
        Assert.That(ScheduleCalendar.Parse("0 0 1 1 *", "UTC").Latest(Utc(2026, 2, 1, 0, 0), Utc(2026, 3, 1, 0, 0)), Is.Null);
    }
}
