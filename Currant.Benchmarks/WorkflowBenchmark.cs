using System.Diagnostics;

namespace Currant.Benchmarks;

/// <summary>
/// The workflows workload: throughput of many multi-step workflows, and the end-to-end latency of one workflow
/// run alone (enqueue to result, woken by NOTIFY). The worker runs in this process unless worker processes serve
/// <paramref name="queue"/> already.
/// </summary>
internal sealed class WorkflowBenchmark(CurrantClient client, string queue, int workflows, int steps, int concurrency, bool externalWorkers, bool quiet)
{
    private const int LatencySamples = 50;

    public async Task<WorkflowResults> RunAsync(CancellationToken cancellationToken)
    {
        var handles = await BenchFlow.Options(queue: queue, client: client).QueueMany(Enumerable.Repeat(steps, workflows)).ConfigureAwait(false);
        var run = Stopwatch.StartNew();
        await using var worker = externalWorkers ? null : await client.StartWorkerAsync(new WorkerOptions { Queues = [queue], MaxConcurrency = concurrency }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await BenchProgress.RunAsync(quiet, "Workflows", workflows, async report =>
        {
            for (var i = 0; i < handles.Count; i++)
            {
                await handles[i].GetResultAsync(TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
                report(i + 1);
            }
        }).ConfigureAwait(false);
        run.Stop();

        var latencies = new double[LatencySamples];
        await BenchProgress.RunAsync(quiet, "Single workflow", LatencySamples, async report =>
        {
            for (var i = 0; i < LatencySamples; i++)
            {
                var sent = Stopwatch.GetTimestamp();
                var handle = await BenchFlow.Options(queue: queue, client: client).Queue(steps).ConfigureAwait(false);
                await handle.GetResultAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
                latencies[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                report(i + 1);
            }
        }).ConfigureAwait(false);
        Array.Sort(latencies);

        return new WorkflowResults(workflows, steps, concurrency, run.Elapsed, workflows / run.Elapsed.TotalSeconds,
            workflows * steps / run.Elapsed.TotalSeconds, JobBenchmark.Percentile(latencies, 0.5), JobBenchmark.Percentile(latencies, 0.95));
    }

}

internal sealed record WorkflowResults(
    int Workflows,
    int Steps,
    int Concurrency,
    TimeSpan Elapsed,
    double WorkflowsPerSecond,
    double StepsPerSecond,
    double SingleP50Ms,
    double SingleP95Ms);
