namespace Currant.Benchmarks;

/// <summary>Does nothing with its payload (<c>--payload-size</c>): measures what moving larger arguments costs.</summary>
[Job(Queue = "bench", Retries = 0)]
public partial class PayloadJob
{
    public Task ExecuteAsync(string payload, CancellationToken ct)
    {
        BenchProbe.Executed1();
        return Task.CompletedTask;
    }
}
