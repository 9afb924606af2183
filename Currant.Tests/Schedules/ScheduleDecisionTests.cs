using Currant.Persistence;
using Currant.Scheduling;

namespace Currant.Tests.Schedules;

/// <summary>The catch-up and overlap policies, decided for one locked schedule as of the database's clock.</summary>
public sealed class ScheduleDecisionTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 10, DateTimeKind.Utc);
    private static readonly ScheduleCalendar EverySecond = ScheduleCalendar.Parse("* * * * * *", "UTC");

    private static DueSchedule Due(DateTime? next, ScheduleOverlap overlap = ScheduleOverlap.Skip, ScheduleCatchUp catchUp = ScheduleCatchUp.Latest,
        TimeSpan? window = null, bool previousActive = false, DateTime? buffered = null)
        => new("s", new ScheduleTemplate("ScheduledRecord", ExecutionKind.Job, "q", 0, "[]", 1, null), "* * * * * *", "UTC",
            overlap, catchUp, window, next, buffered, LastRunAt: null, LastExecutionId: null, previousActive, Now);

    [Test]
    public void Latest_AfterTenMissedSeconds_EnqueuesOnlyTheNewestAndCarriesOnFromNow()
    {
        var decision = ScheduleDecision.Decide(Due(Now.AddSeconds(-10)), EverySecond);

        Assert.That(decision.Fires, Is.EqualTo(new[] { Now }));
        Assert.That(decision.NextRunAt, Is.EqualTo(Now.AddSeconds(1)));
        Assert.That(decision.LastRunAt, Is.EqualTo(Now));
    }

    [Test]
    public void All_AfterTenMissedSeconds_EnqueuesEachOldestFirst()
    {
        var decision = ScheduleDecision.Decide(Due(Now.AddSeconds(-10), overlap: ScheduleOverlap.Allow, catchUp: ScheduleCatchUp.All), EverySecond);

        Assert.That(decision.Fires, Is.EqualTo(Enumerable.Range(0, 11).Select(i => Now.AddSeconds(i - 10))));
        Assert.That(decision.NextRunAt, Is.EqualTo(Now.AddSeconds(1)));
    }

    [Test]
    public void All_WithAWindow_DropsFireTimesMissedByLonger()
    {
        var decision = ScheduleDecision.Decide(Due(Now.AddSeconds(-10), overlap: ScheduleOverlap.Allow, catchUp: ScheduleCatchUp.All, window: TimeSpan.FromSeconds(3)), EverySecond);

        Assert.That(decision.Fires, Is.EqualTo(Enumerable.Range(0, 4).Select(i => Now.AddSeconds(i - 3))));
    }

    [Test]
    public void Latest_WithTheNewestMissedOutsideTheWindow_EnqueuesNothing()
    {
        var hourly = ScheduleCalendar.Parse("0 * * * *", "UTC");
        var due = Due(new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc), window: TimeSpan.FromSeconds(5));

        var decision = ScheduleDecision.Decide(due, hourly);

        Assert.That(decision.Fires, Is.Empty);
        Assert.That(decision.NextRunAt, Is.EqualTo(new DateTime(2026, 6, 1, 13, 0, 0, DateTimeKind.Utc)));
    }

    [Test]
    public void All_AfterALongOutage_EnqueuesAtMostOnePassWorthAndLeavesTheRestDue()
    {
        var decision = ScheduleDecision.Decide(Due(Now.AddHours(-1), overlap: ScheduleOverlap.Allow, catchUp: ScheduleCatchUp.All), EverySecond);

        Assert.That(decision.Fires, Has.Count.EqualTo(ScheduleDecision.MaxFiresPerPass));
        Assert.That(decision.NextRunAt, Is.EqualTo(Now.AddHours(-1).AddSeconds(ScheduleDecision.MaxFiresPerPass)));
    }

    [Test]
    public void Skip_WhileThePreviousRunIsActive_EnqueuesNothing()
    {
        var decision = ScheduleDecision.Decide(Due(Now, previousActive: true), EverySecond);

        Assert.That(decision.Fires, Is.Empty);
        Assert.That(decision.BufferedAt, Is.Null);
        Assert.That(decision.NextRunAt, Is.EqualTo(Now.AddSeconds(1)));
        Assert.That(decision.Dropped, Is.EqualTo(1));
    }

    [Test]
    public void BufferOne_WhileThePreviousRunIsActive_HoldsOneFireTimeAndDropsTheRest()
    {
        var first = ScheduleDecision.Decide(Due(Now, ScheduleOverlap.BufferOne, previousActive: true), EverySecond);
        var second = ScheduleDecision.Decide(Due(Now, ScheduleOverlap.BufferOne, previousActive: true, buffered: Now.AddSeconds(-1)), EverySecond);

        Assert.That(first.Fires, Is.Empty);
        Assert.That(first.BufferedAt, Is.EqualTo(Now));
        Assert.That(second.Fires, Is.Empty);
        Assert.That(second.BufferedAt, Is.EqualTo(Now.AddSeconds(-1)), "the held one stays");
        Assert.That(second.Dropped, Is.EqualTo(1));
    }

    [Test]
    public void BufferOne_OnceThePreviousRunEnded_EnqueuesTheHeldFireTimeFirst()
    {
        var decision = ScheduleDecision.Decide(Due(Now.AddSeconds(1), ScheduleOverlap.BufferOne, buffered: Now.AddSeconds(-3)), EverySecond);

        Assert.That(decision.Fires, Is.EqualTo(new[] { Now.AddSeconds(-3) }));
        Assert.That(decision.BufferedAt, Is.Null);
        Assert.That(decision.NextRunAt, Is.EqualTo(Now.AddSeconds(1)), "not due yet: unchanged");
    }

    [Test]
    public void Allow_WhileThePreviousRunIsActive_EnqueuesAnyway()
    {
        var decision = ScheduleDecision.Decide(Due(Now, ScheduleOverlap.Allow, previousActive: true), EverySecond);

        Assert.That(decision.Fires, Is.EqualTo(new[] { Now }));
    }
}
