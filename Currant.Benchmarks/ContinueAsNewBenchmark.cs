using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Currant.Benchmarks;

/// <summary>
/// The continue-as-new workload (<c>--continue-as-new N</c>): one workflow loops N iterations, each an activation
/// woken by a 1 ms timer, continuing as new every <c>--iterations-per-run</c> iterations. Prints each run's cost per
/// activation (the run's wall time in the database, created → completed, over its activations): flat across runs when continue-as-new
/// keeps the history short; compare with <c>--iterations-per-run N</c> (one run whose history grows to N steps).
/// </summary>
internal sealed class ContinueAsNewBenchmark(CurrantClient client, string queue, int iterations, int perRun, int concurrency)
{
    private const string Chain = """
        WITH RECURSIVE chain AS (
            SELECT id, continued_to, created_at, completed_at, activations, 1 AS run FROM currant.executions WHERE id = @id
            UNION ALL
            SELECT e.id, e.continued_to, e.created_at, e.completed_at, e.activations, c.run + 1
            FROM currant.executions e JOIN chain c ON e.id = c.continued_to
        )
        SELECT run, activations, extract(epoch FROM completed_at - created_at) * 1000, (SELECT count(*) FROM currant.history h WHERE h.workflow_id = chain.id)
        FROM chain ORDER BY run
        """;

    public async Task<ContinueAsNewResults> RunAsync(CancellationToken cancellationToken)
    {
        await using var worker = await client.StartWorkerAsync(new WorkerOptions { Queues = [queue], MaxConcurrency = concurrency }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        var handle = await BenchLoopFlow.Options(queue: queue, client: client).Queue(iterations, perRun, 0).ConfigureAwait(false);
        var result = await handle.GetResultAsync(TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (result != iterations)
        {
            throw new InvalidOperationException($"The loop returned {result}, not {iterations}.");
        }

        var runs = new List<ContinueAsNewRun>();
        await using var command = client.DataSource.CreateCommand(Chain);
        command.Parameters.AddWithValue("id", handle.Id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(new ContinueAsNewRun(reader.GetInt32(0), reader.GetInt32(1), (double)reader.GetDecimal(2), reader.GetInt64(3)));
        }

        return new ContinueAsNewResults(iterations, perRun, elapsed, runs);
    }

    public static void Print(ContinueAsNewResults results)
    {
        var table = new Table().AddColumn("run").AddColumn(new TableColumn("activations").RightAligned()).AddColumn(new TableColumn("history rows").RightAligned())
            .AddColumn(new TableColumn("run time").RightAligned()).AddColumn(new TableColumn("ms / activation").RightAligned());
        foreach (var run in results.Runs)
        {
            table.AddRow(run.Run.ToString(CultureInfo.InvariantCulture), run.Activations.ToString("N0", CultureInfo.InvariantCulture), run.HistoryRows.ToString("N0", CultureInfo.InvariantCulture),
                $"{run.Milliseconds:N0} ms", run.MsPerActivation.ToString("F2", CultureInfo.InvariantCulture));
        }

        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, $"continue-as-new: {results.Iterations:N0} iterations, a new run every {results.PerRun:N0}, {results.Elapsed.TotalSeconds:F1} s in all");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture,
            $"ms / activation, first {ContinueAsNewResults.Ends} runs {results.FirstRuns:F2}, last {ContinueAsNewResults.Ends} runs {results.LastRuns:F2}: last/first {results.Ratio:F2} (about 1: flat)");
    }

    public static string ToJson(ContinueAsNewResults results)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("iterations", results.Iterations);
            w.WriteNumber("iterationsPerRun", results.PerRun);
            w.WriteNumber("elapsedMs", Math.Round(results.Elapsed.TotalMilliseconds));
            w.WriteNumber("firstRunsMsPerActivation", Math.Round(results.FirstRuns, 3));
            w.WriteNumber("lastRunsMsPerActivation", Math.Round(results.LastRuns, 3));
            w.WriteNumber("lastOverFirst", Math.Round(results.Ratio, 3));
            w.WriteStartArray("runs");
            foreach (var run in results.Runs)
            {
                w.WriteStartObject();
                w.WriteNumber("run", run.Run);
                w.WriteNumber("activations", run.Activations);
                w.WriteNumber("historyRows", run.HistoryRows);
                w.WriteNumber("runMs", Math.Round(run.Milliseconds, 1));
                w.WriteNumber("msPerActivation", Math.Round(run.MsPerActivation, 3));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
