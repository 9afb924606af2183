namespace Currant.Tests.Jobs;

/// <summary>
/// For the graceful-shutdown test: its first run takes <c>firstRunMillis</c> (longer than the shutdown grace, for the
/// ones that must be handed back); a run after an earlier start elsewhere takes a moment, so the test stays short.
/// </summary>
[Job(Queue = "faults", Retries = 20)]
public partial class ShutdownJob
{
    public async Task ExecuteAsync(int n, int firstRunMillis, CancellationToken ct)
    {
        var earlierStarts = await FaultEffects.RecordAsync(n, "started", ct);
        await Task.Delay(earlierStarts == 0 ? firstRunMillis : 100, ct);
        await FaultEffects.RecordAsync(n, "done", ct);
    }
}
