namespace Currant.Benchmarks;

/// <summary>Does nothing: measures Currant's own cost per job.</summary>
[Job(Queue = "bench", Retries = 0)]
public partial class NoopJob
{
    public Task ExecuteAsync(int n, CancellationToken ct)
    {
        BenchProbe.Executed1();
        return Task.CompletedTask;
    }
}
