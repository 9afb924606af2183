using System.Collections.Concurrent;
using Currant.Tests.Jobs;

namespace Currant.Tests.Schedules;

/// <summary>A scheduled run that records itself (through <see cref="Probe"/>, keyed by the argument).</summary>
[Job(Queue = "sched")]
public partial class ScheduledRecord
{
    public Task ExecuteAsync(string key, CancellationToken ct)
    {
        Probe.Record(key, "ran");
        return Task.CompletedTask;
    }
}

/// <summary>A scheduled run that holds its slot until the test opens the gate named by its argument.</summary>
[Job(Queue = "sched")]
public partial class HeldRun
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Gates = new();

    public static TaskCompletionSource Gate(string key) => Gates.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task ExecuteAsync(string key, CancellationToken ct)
    {
        Probe.Record(key, "started");
        await Gate(key).Task.WaitAsync(ct);
    }
}

/// <summary>Used by the crash test in worker processes: a run that does nothing (the test counts enqueued rows).</summary>
[Job(Queue = "sched-crash")]
public partial class CrashTick
{
    public Task ExecuteAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>A parameterless job with a <c>[Schedule]</c>: created by any worker of its queue.</summary>
[Job(Queue = "sched-attribute"), Schedule("*/2 * * * * *", TimeZone = "Europe/Berlin", Overlap = ScheduleOverlap.BufferOne, CatchUp = ScheduleCatchUp.All, CatchUpWindow = 60)]
public partial class AttributeTick
{
    public Task ExecuteAsync(CancellationToken ct)
    {
        Probe.Record("attribute-tick", "ran");
        return Task.CompletedTask;
    }
}
