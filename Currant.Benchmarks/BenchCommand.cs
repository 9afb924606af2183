using System.Globalization;
using System.Text;
using System.Text.Json;
using Currant.CommandLine;
using Currant.Development;
using Spectre.Console;

namespace Currant.Benchmarks;

/// <summary><c>currant bench</c>: runs the workloads against a database and prints a results table (or JSON).</summary>
internal static class BenchCommand
{
    public static CliCommand Create()
    {
        var jobs = new CliOption<int>("--jobs") { Description = "No-op jobs to bulk-enqueue and process (0 skips the jobs workload)", DefaultValueFactory = () => 10_000 };
        var concurrency = new CliOption<int>("--concurrency") { Description = "Worker concurrency (of each worker process with --workers); also the concurrent callers of the workflows workload", DefaultValueFactory = () => 16 };
        var workers = new CliOption<int>("--workers") { Description = "Worker processes; this process then only enqueues and measures (default 0: the worker runs in this process)" };
        var queues = new CliOption<string?>("--queues") { Description = "Comma-separated queues to spread the jobs over, served by every worker; they must be empty (default: one fresh queue)" };
        var payloadSize = new CliOption<int>("--payload-size") { Description = "Give each job a string argument of this many bytes (default 0: an int)" };
        var compute = new CliOption<bool>("--compute") { Description = $"CPU-bound jobs: {ComputeJob.Rounds:N0} chained SHA-256 rounds each instead of nothing" };
        var workflows = new CliOption<int>("--workflows") { Description = "Workflows to run (0 skips the workflows workload)", DefaultValueFactory = () => 0 };
        var activities = new CliOption<int?>("--activities-per-workflow") { Description = $"Each workflow runs this many queued no-op activities, one after another (default {BenchSettings.DefaultStepsPerWorkflow})" };
        var inlineSteps = new CliOption<int?>("--inline-steps") { Description = "Each workflow runs this many no-op Workflow.Step calls instead of activities" };
        var timers = new CliOption<int>("--timers") { Description = $"Delayed jobs (200-500 ms) to enqueue one at a time on an idle worker, measuring start - due; then {TimerBenchmark.SleepWorkflows} workflows one after another that each sleep {TimerBenchmark.SleepFor.TotalSeconds:0} s (0 skips the timers workload)", DefaultValueFactory = () => 0 };
        var json = new CliOption<bool>("--json") { Description = "Print results as JSON only" };
        var soak = new CliOption<string?>("--soak") { Description = "Instead of the other workloads: a sustained load for this long (e.g. 10m), printing table and index sizes over time" };
        var rate = new CliOption<int>("--rate") { Description = "With --soak: jobs enqueued per second", DefaultValueFactory = () => 500 };
        var retain = new CliOption<string?>("--retain") { Description = "With --soak: the worker's retention of finished jobs (default 1m)" };
        var retentionRows = new CliOption<int>("--retention-rows") { Description = "Instead of the other workloads: insert this many finished jobs, then measure enqueue→start latency while retention deletes them" };
        var dashboardRows = new CliOption<int>("--dashboard-rows") { Description = "Instead of the other workloads: fill the table with this many finished executions (kept for the next run), then EXPLAIN (ANALYZE, BUFFERS) every dashboard query and time every page over HTTP" };
        var continueAsNew = new CliOption<int>("--continue-as-new") { Description = "Only this: one workflow loops this many iterations (each a 1 ms durable timer, so an activation), continuing as new every --iterations-per-run; prints each run's cost per activation" };
        var perRun = new CliOption<int>("--iterations-per-run") { Description = $"With --continue-as-new: iterations per run (default {BenchSettings.DefaultIterationsPerRun}; as many as --continue-as-new for one run that never continues)", DefaultValueFactory = () => BenchSettings.DefaultIterationsPerRun };
        var command = new CliCommand("bench", "Measure enqueue, throughput and latency. Without a database URL it starts a durable local PostgreSQL.")
        {
            Options = { jobs, concurrency, workers, queues, payloadSize, compute, workflows, activities, inlineSteps, timers, json, soak, rate, retain, retentionRows, continueAsNew, perRun, dashboardRows },
        };
        command.Subcommands.Add(BenchWorkerCommand.Create());
        command.Action = (parse, ct) => CurrantCommandLine.RunAsync(parse, async output =>
        {
            var settings = new BenchSettings
            {
                // --workflows or --timers alone means only that workload.
                Jobs = (parse.GetValue(workflows) > 0 || parse.GetValue(timers) > 0) && !parse.WasGiven(jobs) ? 0 : parse.GetValue(jobs),
                Concurrency = parse.GetValue(concurrency),
                Workers = parse.GetValue(workers),
                Queues = BenchSettings.ParseQueues(parse.GetValue(queues)),
                PayloadSize = parse.GetValue(payloadSize),
                Compute = parse.GetValue(compute),
                Workflows = parse.GetValue(workflows),
                ActivitiesPerWorkflow = parse.GetValue(activities),
                InlineSteps = parse.GetValue(inlineSteps),
                Timers = parse.GetValue(timers),
                Quiet = parse.GetValue(json),
                ContinueAsNew = parse.GetValue(continueAsNew),
                IterationsPerRun = parse.GetValue(perRun),
                OtherWorkloadGiven = parse.WasGiven(jobs) || parse.GetValue(workflows) > 0 || parse.GetValue(timers) > 0 || parse.GetValue(workers) > 0,
            };
            settings.Validate();

            var url = parse.GetValue(CurrantCommandLine.DatabaseUrl) ?? Environment.GetEnvironmentVariable(CurrantEnvironment.DatabaseUrl);
            LocalPostgres? local = null;
            if (string.IsNullOrWhiteSpace(url))
            {
                local = await LocalPostgres.StartAsync(new LocalPostgresOptions { Durable = true }, ct).ConfigureAwait(false);
                url = local.ConnectionString;
            }

            try
            {
                var loadAtStart = LoadAverage();
                await using var client = await CurrantClient.ConnectAsync(url, cancellationToken: ct).ConfigureAwait(false);
                await client.MigrateAsync(ct).ConfigureAwait(false);
                var server = await ReadSettingsAsync(client, ct).ConfigureAwait(false);
                if (parse.GetValue(soak) is { } soakFor)
                {
                    if (parse.GetValue(rate) < 1)
                    {
                        throw new CommandLineException("--rate must be at least 1 job per second.");
                    }

                    var retention = parse.GetValue(retain) is { } r ? CurrantEnvironment.ParseDuration(r, "--retain") : TimeSpan.FromMinutes(1);
                    await new SoakBenchmark(client, CurrantEnvironment.ParseDuration(soakFor, "--soak"), parse.GetValue(rate), retention, settings.Concurrency, output).RunAsync(ct).ConfigureAwait(false);
                    return 0;
                }

                if (parse.GetValue(retentionRows) is > 0 and var retentionRowCount)
                {
                    await new RetentionBenchmark(client, retentionRowCount, settings.Concurrency, output).RunAsync(ct).ConfigureAwait(false);
                    return 0;
                }

                if (parse.GetValue(dashboardRows) is > 0 and var dashboardRowCount)
                {
                    await new DashboardBenchmark(client, dashboardRowCount, output).RunAsync(ct).ConfigureAwait(false);
                    return 0;
                }

                if (settings.ContinueAsNew > 0)
                {
                    var loop = await new ContinueAsNewBenchmark(client, $"benchcan-{Guid.NewGuid():N}"[..23], settings.ContinueAsNew, settings.IterationsPerRun, settings.Concurrency)
                        .RunAsync(ct).ConfigureAwait(false);
                    if (settings.Quiet)
                    {
                        await output.WriteLineAsync(ContinueAsNewBenchmark.ToJson(loop)).ConfigureAwait(false);
                    }
                    else
                    {
                        ContinueAsNewBenchmark.Print(loop);
                    }

                    return 0;
                }

                if (settings.Queues is { } given)
                {
                    await JobBenchmark.EnsureUnusedAsync(client, given, ct).ConfigureAwait(false);
                }

                var jobQueues = settings.Queues ?? [$"bench-{Guid.NewGuid():N}"[..20]];
                var workflowQueue = $"benchwf-{Guid.NewGuid():N}"[..22];
                var timerQueue = $"benchtm-{Guid.NewGuid():N}"[..22];
                await using var processes = settings.Workers > 0
                    ? await WorkerProcesses.StartAsync(
                        settings.Workers,
                        url,
                        [
                            .. settings.Jobs > 0 ? jobQueues : [],
                            .. settings.Workflows > 0 ? [workflowQueue] : Array.Empty<string>(),
                            .. settings.Timers > 0 ? [timerQueue] : Array.Empty<string>(),
                        ],
                        settings.Concurrency,
                        ct).ConfigureAwait(false)
                    : null;

                JobResults? jobResults = null;
                if (settings.Jobs > 0)
                {
                    jobResults = await new JobBenchmark(client, settings, jobQueues, processes).RunAsync(ct).ConfigureAwait(false);
                }

                WorkflowResults? workflowResults = null;
                if (settings.Workflows > 0)
                {
                    workflowResults = await new WorkflowBenchmark(client, workflowQueue, settings, externalWorkers: processes is not null).RunAsync(ct).ConfigureAwait(false);
                }

                TimerResults? timerResults = null;
                if (settings.Timers > 0)
                {
                    timerResults = await new TimerBenchmark(client, timerQueue, settings.Timers, settings.Concurrency, externalWorkers: processes is not null, settings.Quiet)
                        .RunAsync(ct).ConfigureAwait(false);
                }

                if (processes is not null)
                {
                    await processes.StopAsync().ConfigureAwait(false);
                }

                var run = new BenchRun(settings, jobQueues, server, (loadAtStart, LoadAverage()), processes?.PeakWorkingSetMb, local is not null);
                if (settings.Quiet)
                {
                    await output.WriteLineAsync(ToJson(run, jobResults, workflowResults, timerResults)).ConfigureAwait(false);
                }
                else
                {
                    Print(run, jobResults, workflowResults, timerResults);
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
        });
        return command;
    }

    /// <summary>The 1-minute load average (Linux), to judge how much other work shared the machine.</summary>
    private static double? LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.AsSpan(0, text.IndexOf(' ')), CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static async Task<ServerSettings> ReadSettingsAsync(CurrantClient client, CancellationToken ct)
    {
        await using var command = client.DataSource.CreateCommand("SELECT current_setting('fsync'), current_setting('synchronous_commit'), current_setting('server_version')");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return new ServerSettings(reader.GetString(0), reader.GetString(1), reader.GetString(2));
    }

    private static void Print(BenchRun run, JobResults? jobs, WorkflowResults? workflows, TimerResults? timers)
    {
        var (settings, server) = (run.Settings, run.Server);
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("PostgreSQL", $"{server.Version}{(run.LocalServer ? " (local, started by bench)" : "")}");
        table.AddRow("fsync / synchronous_commit", $"{server.Fsync} / {server.SynchronousCommit}");
        table.AddRow("machine", $"{Environment.ProcessorCount} cores, {Environment.OSVersion}");
        table.AddRow("load average (1 min) start / end", $"{run.Load.Start?.ToString("F2", CultureInfo.InvariantCulture) ?? "?"} / {run.Load.End?.ToString("F2", CultureInfo.InvariantCulture) ?? "?"}");
        table.AddRow("workers", settings.Workers == 0 ? "in the bench process" : $"{settings.Workers} processes");
        if (jobs is not null)
        {
            table.AddRow("jobs / concurrency", $"{jobs.Jobs:N0} / {jobs.Concurrency}");
            table.AddRow("queues", Markup.Escape(string.Join(", ", run.JobQueues)));
            table.AddRow("job", $"{(settings.Compute ? "compute" : "no-op")}, payload {(settings.PayloadSize > 0 ? $"{settings.PayloadSize:N0} bytes" : "an int")}");
            table.AddRow("bulk enqueue", $"{jobs.EnqueuePerSecond:N0} jobs/s ({jobs.EnqueueTime.TotalMilliseconds:N0} ms)");
            table.AddRow("processing", $"{jobs.ProcessedPerSecond:N0} jobs/s ({jobs.ProcessTime.TotalMilliseconds:N0} ms)");
            table.AddRow("enqueue→start p50 / p95 / p99", $"{jobs.LatencyP50Ms:F2} / {jobs.LatencyP95Ms:F2} / {jobs.LatencyP99Ms:F2} ms");
            table.AddRow("peak working set (bench process)", $"{jobs.PeakWorkingSetMb:N0} MB");
        }

        if (run.WorkerPeakWorkingSetMb is { } workerPeak)
        {
            table.AddRow("peak working set (largest worker process)", $"{workerPeak:N0} MB");
        }

        if (workflows is not null)
        {
            var kind = workflows.StepKind == WorkflowStepKind.Inline ? "inline steps" : "activities";
            table.AddRow($"workflows × {kind} / callers", $"{workflows.Workflows:N0} × {workflows.Steps} / {workflows.Callers}");
            table.AddRow("workflows", $"{workflows.WorkflowsPerSecond:N1} workflows/s ({workflows.Elapsed.TotalMilliseconds:N0} ms)");
            table.AddRow("steps", $"{workflows.StepsPerSecond:N0} steps/s");
            table.AddRow($"one {workflows.Steps}-step workflow alone, enqueue→result p50 / p95", $"{workflows.SingleP50Ms:F2} / {workflows.SingleP95Ms:F2} ms");
            foreach (var stuck in workflows.Unfinished)
            {
                table.AddRow("[red]unfinished workflow[/]", Markup.Escape($"{stuck.Id}: {stuck.State}{(stuck.ErrorType is { } error ? $" ({error})" : "")}, {stuck.CompletedHistoryRows} step(s) recorded"));
            }
        }

        if (timers is not null)
        {
            table.AddRow("delayed jobs (200-500 ms, one at a time)", $"{timers.Jobs:N0}");
            table.AddRow("start - due p50 / p95 / p99 (min / max)", $"{timers.LateP50Ms:F2} / {timers.LateP95Ms:F2} / {timers.LateP99Ms:F2} ms ({timers.LateMinMs:F2} / {timers.LateMaxMs:F2})");
            table.AddRow($"Workflow.Sleep({TimerBenchmark.SleepFor.TotalSeconds:0} s), enqueue → result p50 / p95 ({timers.SleepWorkflows} in a row)", $"{timers.SleepP50Ms:F1} / {timers.SleepP95Ms:F1} ms");
        }

        AnsiConsole.Write(table);
    }

    private static string ToJson(BenchRun run, JobResults? jobs, WorkflowResults? workflows, TimerResults? timers)
    {
        var (settings, server) = (run.Settings, run.Server);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("fsync", server.Fsync);
            w.WriteString("synchronousCommit", server.SynchronousCommit);
            w.WriteString("serverVersion", server.Version);
            w.WriteNumber("processorCount", Environment.ProcessorCount);
            w.WriteStartObject("loadAverage1m");
            WriteNumberOrNull(w, "start", run.Load.Start);
            WriteNumberOrNull(w, "end", run.Load.End);
            w.WriteEndObject();
            w.WriteNumber("workers", settings.Workers);
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
                w.WriteNumber("enqueueMs", Math.Round(jobs.EnqueueTime.TotalMilliseconds, 1));
                w.WriteNumber("processMs", Math.Round(jobs.ProcessTime.TotalMilliseconds, 1));
                w.WriteStartArray("queues");
                foreach (var queue in run.JobQueues)
                {
                    w.WriteStringValue(queue);
                }

                w.WriteEndArray();
                w.WriteNumber("payloadSize", settings.PayloadSize);
                w.WriteBoolean("compute", settings.Compute);
            }

            if (run.WorkerPeakWorkingSetMb is { } workerPeak)
            {
                w.WriteNumber("workerPeakWorkingSetMb", Math.Round(workerPeak, 1));
            }

            if (workflows is not null)
            {
                w.WriteNumber("workflows", workflows.Workflows);
                w.WriteString("workflowQueue", workflows.Queue);
                w.WriteString("workflowSteps", workflows.StepKind == WorkflowStepKind.Inline ? "inline" : "activities");
                w.WriteNumber("stepsPerWorkflow", workflows.Steps);
                w.WriteNumber("workflowCallers", workflows.Callers);
                w.WriteNumber("workflowsMs", Math.Round(workflows.Elapsed.TotalMilliseconds, 1));
                w.WriteNumber("workflowsPerSecond", Math.Round(workflows.WorkflowsPerSecond, 1));
                w.WriteNumber("stepsPerSecond", Math.Round(workflows.StepsPerSecond, 1));
                w.WriteBoolean("workflowsComplete", workflows.Unfinished.Count == 0);
                w.WriteNumber("workflowsCompletedInDb", workflows.CompletedInDatabase);
                w.WriteStartObject("singleWorkflowLatencyMs");
                WriteNumberOrNull(w, "p50", double.IsNaN(workflows.SingleP50Ms) ? null : Math.Round(workflows.SingleP50Ms, 3));
                WriteNumberOrNull(w, "p95", double.IsNaN(workflows.SingleP95Ms) ? null : Math.Round(workflows.SingleP95Ms, 3));
                w.WriteEndObject();
                w.WriteStartArray("unfinishedWorkflows");
                foreach (var stuck in workflows.Unfinished)
                {
                    w.WriteStartObject();
                    w.WriteString("id", stuck.Id);
                    w.WriteString("state", stuck.State);
                    w.WriteString("errorType", stuck.ErrorType);
                    w.WriteNumber("stepsRecorded", stuck.CompletedHistoryRows);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (timers is not null)
            {
                w.WriteNumber("timers", timers.Jobs);
                w.WriteStartObject("timerStartAfterDueMs");
                w.WriteNumber("min", Math.Round(timers.LateMinMs, 3));
                w.WriteNumber("p50", Math.Round(timers.LateP50Ms, 3));
                w.WriteNumber("p95", Math.Round(timers.LateP95Ms, 3));
                w.WriteNumber("p99", Math.Round(timers.LateP99Ms, 3));
                w.WriteNumber("max", Math.Round(timers.LateMaxMs, 3));
                w.WriteEndObject();
                w.WriteNumber("sleepWorkflows", timers.SleepWorkflows);
                w.WriteNumber("sleepSeconds", TimerBenchmark.SleepFor.TotalSeconds);
                w.WriteStartObject("sleepWorkflowMs");
                w.WriteNumber("p50", Math.Round(timers.SleepP50Ms, 3));
                w.WriteNumber("p95", Math.Round(timers.SleepP95Ms, 3));
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
