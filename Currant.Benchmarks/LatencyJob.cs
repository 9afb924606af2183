namespace Currant.Benchmarks;

/// <summary>Records when it started, for enqueue-to-start latency.</summary>
[Job(Queue = "bench", Retries = 0)]
public partial class LatencyJob
{
    public Task ExecuteAsync(int slot, CancellationToken ct)
    {
        BenchProbe.Started(slot);
        return Task.CompletedTask;
    }
}
