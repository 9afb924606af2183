namespace Currant.Tests.Jobs;

/// <summary>A short job for the fault tests: waits <c>millis</c>, then records that its body ran to the end.</summary>
[Job(Queue = "faults", Retries = 20)]
public partial class FaultJob
{
    public async Task ExecuteAsync(int n, int millis, CancellationToken ct)
    {
        await Task.Delay(millis, ct);
        await FaultEffects.RecordAsync(n, "done", ct);
    }
}
