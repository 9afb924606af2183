using System.Collections.Concurrent;
using System.Diagnostics;

namespace Currant.Benchmarks;

/// <summary>
/// The workflows workload, measured as the peers' DBOS benchmark (<c>bench-dbos.mjs</c>, variant <c>direct</c>)
/// measures it: after one untimed warm-up workflow, <see cref="BenchSettings.Concurrency"/> callers each start a
/// workflow and await its result, back to back, until <see cref="BenchSettings.Workflows"/> have run; timed from the
/// first call until the database shows them all completed. Then, after a 500 ms pause, one workflow alone, 50 times
/// one after another, from the enqueue call to its result. The worker runs in this process unless worker processes
/// serve <paramref name="queue"/> already.
/// </summary>
/// <remarks>
/// A workflow that has not finished <see cref="UnfinishedAfter"/> after its start is given up on and reported with
/// its state, so an engine fault shows as a finding instead of a hung bench. The run is then incomplete: the timing
/// ends at the last result received and counts only finished workflows (DBOS's script, too, reports completed/elapsed
/// when its cap passes).
/// </remarks>
internal sealed class WorkflowBenchmark(CurrantClient client, string queue, BenchSettings settings, bool externalWorkers)
{
    private const int LatencySamples = 50;
    private static readonly TimeSpan LatencyPause = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CompletionPoll = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan UnfinishedAfter = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<Guid> _unfinished = new();

    public async Task<WorkflowResults> RunAsync(CancellationToken cancellationToken)
    {
        var workflows = settings.Workflows;
        var callers = settings.Concurrency;
        await using var worker = externalWorkers
            ? null
            : await client.StartWorkerAsync(new WorkerOptions { Queues = [queue], MaxConcurrency = settings.Concurrency }, cancellationToken: cancellationToken).ConfigureAwait(false);

        // As DBOS's script: one workflow before timing (JIT, connections), and the database's count taken after it.
        await RunOneAsync(cancellationToken).ConfigureAwait(false);
        var before = await CountCompletedAsync(cancellationToken).ConfigureAwait(false);

        var run = Stopwatch.StartNew();
        var lastResult = TimeSpan.Zero;
        var completed = 0L;
        await BenchProgress.RunAsync(settings.Quiet, "Workflows", workflows, async report =>
        {
            var started = 0;
            var finished = 0;
            var gate = new Lock();
            async Task CallerAsync()
            {
                while (Interlocked.Increment(ref started) <= workflows)
                {
                    if (await RunOneAsync(cancellationToken).ConfigureAwait(false))
                    {
                        lock (gate)
                        {
                            lastResult = run.Elapsed;
                        }
                    }

                    report(Interlocked.Increment(ref finished));
                }
            }

            await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => CallerAsync())).ConfigureAwait(false);

            // A result is read only once the workflow's completion is committed, so with every workflow finished this
            // is one query; it is here because DBOS's script ends its timing on the database's count too.
            while ((completed = await CountCompletedAsync(cancellationToken).ConfigureAwait(false) - before) < workflows && _unfinished.IsEmpty)
            {
                await Task.Delay(CompletionPoll, cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        run.Stop();
        var unfinishedInRun = _unfinished.Count;
        var elapsed = unfinishedInRun == 0 ? run.Elapsed : lastResult;

        await Task.Delay(LatencyPause, cancellationToken).ConfigureAwait(false);
        var latencies = new List<double>(LatencySamples);
        await BenchProgress.RunAsync(settings.Quiet, "Single workflow", LatencySamples, async report =>
        {
            for (var i = 0; i < LatencySamples; i++)
            {
                var sent = Stopwatch.GetTimestamp();
                if (await RunOneAsync(cancellationToken).ConfigureAwait(false))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }

                report(i + 1);
            }
        }).ConfigureAwait(false);
        var sorted = latencies.Order().ToArray();

        var steps = settings.StepsPerWorkflow;
        return new WorkflowResults(
            queue,
            workflows,
            settings.StepKind,
            steps,
            callers,
            elapsed,
            completed,
            completed / elapsed.TotalSeconds,
            completed * steps / elapsed.TotalSeconds,
            JobBenchmark.Percentile(sorted, 0.5),
            JobBenchmark.Percentile(sorted, 0.95),
            await DescribeAsync([.. _unfinished], cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Starts one workflow and waits for its result: DBOS's <c>await wf()</c>. False when it has not finished within
    /// <see cref="UnfinishedAfter"/>.
    /// </summary>
    private async Task<bool> RunOneAsync(CancellationToken cancellationToken)
    {
        var steps = settings.StepsPerWorkflow;
        var handle = settings.StepKind == WorkflowStepKind.Inline
            ? await BenchInlineFlow.Options(queue: queue, client: client).Queue(steps).ConfigureAwait(false)
            : await BenchFlow.Options(queue: queue, client: client).Queue(steps).ConfigureAwait(false);
        try
        {
            await handle.GetResultAsync(UnfinishedAfter, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            _unfinished.Enqueue(handle.Id);
            return false;
        }
    }

    private async Task<long> CountCompletedAsync(CancellationToken cancellationToken)
    {
        await using var command = client.DataSource.CreateCommand(
            "SELECT count(*) FROM currant.executions WHERE queue = @queue AND kind = 'workflow' AND state = 'completed'");
        command.Parameters.AddWithValue("queue", queue);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Each given-up workflow's state, error type and recorded steps, as the database has them now.</summary>
    private async Task<IReadOnlyList<UnfinishedWorkflow>> DescribeAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        if (ids.Length == 0)
        {
            return [];
        }

        await using var command = client.DataSource.CreateCommand(
            """
            SELECT e.id, e.state, e.error ->> 'type',
                   (SELECT count(*) FROM currant.history h WHERE h.workflow_id = e.id AND h.state = 'completed')
            FROM currant.executions e WHERE e.id = ANY(@ids) ORDER BY e.id
            """);
        command.Parameters.AddWithValue("ids", ids);
        var found = new List<UnfinishedWorkflow>(ids.Length);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(new UnfinishedWorkflow(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3)));
        }

        return found;
    }
}
