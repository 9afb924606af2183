namespace Currant.Benchmarks;

/// <summary>A no-op step: measures what a workflow step costs Currant itself.</summary>
[Activity(Retries = 0)]
public partial class BenchStep
{
    public Task<int> ExecuteAsync(int i, CancellationToken ct) => Task.FromResult(i + 1);
}

/// <summary>Runs <c>steps</c> activities one after another, each a real queued execution.</summary>
[Workflow(Queue = "bench")]
public partial class BenchFlow
{
    public async Task<int> RunAsync(int steps)
    {
        var value = 0;
        for (var i = 0; i < steps; i++)
        {
            value = await BenchStep.Run(value);
        }

        return value;
    }
}
