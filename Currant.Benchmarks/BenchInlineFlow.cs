namespace Currant.Benchmarks;

/// <summary>
/// Runs <c>steps</c> no-op inline steps (<c>Workflow.Step</c>) one after another: the shape of the peers' DBOS
/// benchmark (five <c>DBOS.runStep</c> calls of a function that returns 1), so the two measure the same work.
/// </summary>
[Workflow(Queue = "bench")]
public partial class BenchInlineFlow
{
    public async Task<int> RunAsync(int steps)
    {
        var value = 0;
        for (var i = 0; i < steps; i++)
        {
            var before = value;
            value = await Workflow.Step($"step{i}", _ => Task.FromResult(before + 1));
        }

        return value;
    }
}
