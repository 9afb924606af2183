using System.Diagnostics;
using Currant.Worker;

namespace Currant.Tests.Worker;

/// <summary>The producer's wake-up: a signal, one alarm (the earliest), and the poll. Bounds are generous: no timing is asserted.</summary>
public sealed class WakeAlarmTests
{
    private static readonly TimeSpan AMinute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Wait_AfterSet_ReturnsTrueAtOnce()
    {
        using var alarm = new WakeAlarm(TimeProvider.System);
        alarm.Set();

        Assert.That(await alarm.WaitAsync(AMinute, CancellationToken.None).WaitAsync(Generous), Is.True);
    }

    [Test]
    public async Task Wait_WithAnAlarmArmed_EndsAtTheAlarmNotAtThePoll()
    {
        using var alarm = new WakeAlarm(TimeProvider.System);
        alarm.WakeIn(TimeSpan.FromMilliseconds(100));

        Assert.That(await alarm.WaitAsync(AMinute, CancellationToken.None).WaitAsync(Generous), Is.False);
    }

    [Test]
    public async Task WakeIn_WhileWaiting_EndsTheWaitAtTheNewAlarm()
    {
        using var alarm = new WakeAlarm(TimeProvider.System);
        alarm.WakeIn(AMinute);
        var wait = alarm.WaitAsync(AMinute, CancellationToken.None);

        alarm.WakeIn(TimeSpan.FromMilliseconds(100));

        Assert.That(await wait.WaitAsync(Generous), Is.False);
    }

    [Test]
    public async Task WakeIn_LaterThanTheAlarm_KeepsTheEarlierAlarm()
    {
        using var alarm = new WakeAlarm(TimeProvider.System);
        alarm.WakeIn(TimeSpan.FromMilliseconds(100));

        alarm.WakeIn(AMinute);

        Assert.That(await alarm.WaitAsync(AMinute, CancellationToken.None).WaitAsync(Generous), Is.False);
    }

    [Test]
    public async Task Alarm_ThatRang_IsCleared()
    {
        using var alarm = new WakeAlarm(TimeProvider.System);
        alarm.WakeIn(TimeSpan.Zero);
        Assert.That(await alarm.WaitAsync(AMinute, CancellationToken.None).WaitAsync(Generous), Is.False);

        var next = Stopwatch.StartNew();
        Assert.That(await alarm.WaitAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None).WaitAsync(Generous), Is.False);

        Assert.That(next.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)), "the second wait lasted its poll: the alarm rang once");
    }

    [Test]
    public async Task WakeIn_AfterDispose_IsHarmless_AndSetStillWakes()
    {
        var alarm = new WakeAlarm(TimeProvider.System);
        alarm.WakeIn(AMinute);
        alarm.Dispose();

        alarm.WakeIn(TimeSpan.Zero);
        alarm.Set();

        Assert.That(await alarm.WaitAsync(AMinute, CancellationToken.None).WaitAsync(Generous), Is.True);
    }
}
