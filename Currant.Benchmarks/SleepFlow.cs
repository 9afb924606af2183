namespace Currant.Benchmarks;

/// <summary>Sleeps once: the end-to-end time of a durable timer (<c>--timers</c>).</summary>
[Workflow(Queue = "bench")]
public partial class SleepFlow
{
    public async Task<double> RunAsync(double seconds)
    {
        await Workflow.Sleep(TimeSpan.FromSeconds(seconds));
        return seconds;
    }
}
