namespace Currant.Benchmarks;

/// <summary>
/// A long loop: each iteration sleeps 1 ms on a durable timer, so each is an activation of its own (claim, load,
/// resume, commit), and every <c>perRun</c> iterations the workflow continues as new with an empty history.
/// </summary>
[Workflow(Queue = "bench")]
public partial class BenchLoopFlow
{
    public async Task<int> RunAsync(int total, int perRun, int done)
    {
        for (var i = 0; i < perRun && done < total; i++)
        {
            await Workflow.Sleep(TimeSpan.FromMilliseconds(1));
            done++;
        }

        if (done < total)
        {
            throw ContinueAsNew(total, perRun, done);
        }

        return done;
    }
}
