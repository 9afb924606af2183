using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Currant.CommandLine;
using Currant.Development;
using Spectre.Console;

namespace Currant.Benchmarks;

/// <summary><c>currant bench</c>: runs the workloads against a database and prints a results table (or JSON).</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var jobs = new Option<int>("--jobs") { Description = "No-op jobs to bulk-enqueue and process (0 skips the jobs workload)", DefaultValueFactory = _ => 10_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Worker concurrency", DefaultValueFactory = _ => 16 };
        var workflows = new Option<int>("--workflows") { Description = "Workflows to run (0 skips the workflows workload)", DefaultValueFactory = _ => 0 };
        var steps = new Option<int>("--activities-per-workflow") { Description = "Sequential activities per workflow", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print results as JSON only" };
        var command = new Command("bench", "Measure enqueue, throughput and latency. Without a database URL it starts a durable local PostgreSQL.") { jobs, concurrency, workflows, steps, json };
        command.SetAction((parse, ct) => CurrantCommandLine.RunAsync(parse, async output =>
        {
            var quiet = parse.GetValue(json);
            if (parse.GetValue(jobs) < 0 || parse.GetValue(concurrency) < 1 || parse.GetValue(workflows) < 0 || parse.GetValue(steps) < 1)
            {
                throw new CommandLineException("--jobs and --workflows must be >= 0, --concurrency and --activities-per-workflow >= 1.");
            }

            // --workflows alone means only the workflows workload.
            var jobCount = parse.GetValue(workflows) > 0 && parse.GetResult(jobs) is not { Implicit: false } ? 0 : parse.GetValue(jobs);

            var url = parse.GetValue(CurrantCommandLine.DatabaseUrl) ?? Environment.GetEnvironmentVariable("CURRANT_DATABASE_URL");
            LocalPostgres? local = null;
            if (string.IsNullOrWhiteSpace(url))
            {
                local = await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = true }, ct).ConfigureAwait(false);
                url = local.ConnectionString;
            }

            try
            {
                await using var client = await CurrantClient.ConnectAsync(url, cancellationToken: ct).ConfigureAwait(false);
                await client.MigrateAsync(ct).ConfigureAwait(false);
                var settings = await ReadSettingsAsync(client, ct).ConfigureAwait(false);
                JobResults? jobResults = null;
                if (jobCount > 0)
                {
                    jobResults = await new JobBenchmark(client, jobCount, parse.GetValue(concurrency), quiet).RunAsync(ct).ConfigureAwait(false);
                }

                WorkflowResults? workflowResults = null;
                if (parse.GetValue(workflows) > 0)
                {
                    workflowResults = await new WorkflowBenchmark(client, parse.GetValue(workflows), parse.GetValue(steps), parse.GetValue(concurrency), quiet).RunAsync(ct).ConfigureAwait(false);
                }

                if (quiet)
                {
                    await output.WriteLineAsync(ToJson(settings, jobResults, workflowResults)).ConfigureAwait(false);
                }
                else
                {
                    Print(settings, jobResults, workflowResults, local is not null);
                }

                return 0;
            }
            finally
            {
                if (local is not null)
                {
                    await local.DisposeAsync().ConfigureAwait(false);
                }
            }
        }));
        return command;
    }

    private static async Task<(string Fsync, string SynchronousCommit, string Version)> ReadSettingsAsync(CurrantClient client, CancellationToken ct)
    {
        await using var command = client.DataSource.CreateCommand("SELECT current_setting('fsync'), current_setting('synchronous_commit'), current_setting('server_version')");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return (reader.GetString(0), reader.GetString(1), reader.GetString(2));
    }

    private static void Print((string Fsync, string SynchronousCommit, string Version) settings, JobResults? jobs, WorkflowResults? workflows, bool local)
    {
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("PostgreSQL", $"{settings.Version}{(local ? " (local, started by bench)" : "")}");
        table.AddRow("fsync / synchronous_commit", $"{settings.Fsync} / {settings.SynchronousCommit}");
        table.AddRow("machine", $"{Environment.ProcessorCount} cores, {Environment.OSVersion}");
        if (jobs is not null)
        {
            table.AddRow("jobs / concurrency", $"{jobs.Jobs:N0} / {jobs.Concurrency}");
            table.AddRow("bulk enqueue", $"{jobs.EnqueuePerSecond:N0} jobs/s ({jobs.EnqueueTime.TotalMilliseconds:N0} ms)");
            table.AddRow("processing", $"{jobs.ProcessedPerSecond:N0} jobs/s ({jobs.ProcessTime.TotalMilliseconds:N0} ms)");
            table.AddRow("enqueue→start p50 / p95 / p99", $"{jobs.LatencyP50Ms:F2} / {jobs.LatencyP95Ms:F2} / {jobs.LatencyP99Ms:F2} ms");
            table.AddRow("peak working set (bench process)", $"{jobs.PeakWorkingSetMb:N0} MB");
        }

        if (workflows is not null)
        {
            table.AddRow("workflows × activities / concurrency", $"{workflows.Workflows:N0} × {workflows.Steps} / {workflows.Concurrency}");
            table.AddRow("workflows", $"{workflows.WorkflowsPerSecond:N0} workflows/s ({workflows.Elapsed.TotalMilliseconds:N0} ms)");
            table.AddRow("steps", $"{workflows.StepsPerSecond:N0} steps/s");
            table.AddRow($"one {workflows.Steps}-step workflow alone p50 / p95", $"{workflows.SingleP50Ms:F2} / {workflows.SingleP95Ms:F2} ms");
        }

        AnsiConsole.Write(table);
    }

    private static string ToJson((string Fsync, string SynchronousCommit, string Version) settings, JobResults? jobs, WorkflowResults? workflows)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("fsync", settings.Fsync);
            w.WriteString("synchronousCommit", settings.SynchronousCommit);
            w.WriteString("serverVersion", settings.Version);
            w.WriteNumber("processorCount", Environment.ProcessorCount);
            if (jobs is not null)
            {
                w.WriteNumber("jobs", jobs.Jobs);
                w.WriteNumber("concurrency", jobs.Concurrency);
                w.WriteNumber("enqueuePerSecond", Math.Round(jobs.EnqueuePerSecond));
                w.WriteNumber("jobsPerSecond", Math.Round(jobs.ProcessedPerSecond));
                w.WriteStartObject("latencyMs");
                w.WriteNumber("p50", Math.Round(jobs.LatencyP50Ms, 3));
                w.WriteNumber("p95", Math.Round(jobs.LatencyP95Ms, 3));
                w.WriteNumber("p99", Math.Round(jobs.LatencyP99Ms, 3));
                w.WriteEndObject();
                w.WriteNumber("peakWorkingSetMb", Math.Round(jobs.PeakWorkingSetMb, 1));
            }

            if (workflows is not null)
            {
                w.WriteNumber("workflows", workflows.Workflows);
                w.WriteNumber("activitiesPerWorkflow", workflows.Steps);
                w.WriteNumber("workflowsPerSecond", Math.Round(workflows.WorkflowsPerSecond, 1));
                w.WriteNumber("stepsPerSecond", Math.Round(workflows.StepsPerSecond, 1));
                w.WriteStartObject("singleWorkflowLatencyMs");
                w.WriteNumber("p50", Math.Round(workflows.SingleP50Ms, 3));
                w.WriteNumber("p95", Math.Round(workflows.SingleP95Ms, 3));
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
