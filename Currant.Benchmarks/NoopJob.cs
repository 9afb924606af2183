namespace Currant.Benchmarks;

/// <summary>The cheapest possible job: measures Currant's own overhead per execution.</summary>
[Job(Queue = "bench")]
public partial class NoopJob
{
    public Task ExecuteAsync(int n, CancellationToken ct) => Task.CompletedTask;
}
