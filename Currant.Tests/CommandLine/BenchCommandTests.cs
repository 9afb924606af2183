using System.Text.Json;

namespace Currant.Tests.CommandLine;

/// <summary>
/// <c>currant bench</c> through the real tool. Speed is never asserted here: only that the flags are checked and
/// that a run with worker processes works and leaves nothing behind.
/// </summary>
public sealed class BenchCommandTests : CurrantFixture
{
    // Nothing answers there: a flag that slipped through validation fails on connecting, not by starting a server.
    private const string NoServer = "Host=127.0.0.1;Port=1;Timeout=3";

    private static Task<(int ExitCode, string Output)> BenchAsync(params string[] args)
        => ProcessRun.DotnetAsync(RepoPaths.Output("Currant.Cli", "currant.dll"), ["bench", .. args], timeout: TimeSpan.FromMinutes(3));

    [TestCase("--queues takes comma-separated queue names, none empty (got 'a,,b')", "--queues", "a,,b")]
    [TestCase("--queues takes comma-separated queue names, none empty", "--queues", " , ")]
    [TestCase("--queues lists 'a' twice", "--queues", "a,b,a")]
    [TestCase("--payload-size must be >= 0 bytes (got -1)", "--payload-size", "-1")]
    [TestCase("--workers must be >= 0 (got -2)", "--workers", "-2")]
    [TestCase("--concurrency must be >= 1 (got 0)", "--concurrency", "0")]
    [TestCase("--jobs and --workflows must be >= 0", "--workflows", "-1")]
    [TestCase("--activities-per-workflow and --inline-steps choose what a workflow step is", "--workflows", "10", "--activities-per-workflow", "5", "--inline-steps", "5")]
    [TestCase("--inline-steps must be >= 1 (got 0)", "--workflows", "10", "--inline-steps", "0")]
    [TestCase("--inline-steps must be >= 1 (got -3)", "--workflows", "10", "--inline-steps", "-3")]
    [TestCase("--activities-per-workflow must be >= 1 (got -1)", "--workflows", "10", "--activities-per-workflow", "-1")]
    [TestCase("--timers must be >= 0 (got -1)", "--timers", "-1")]
    [TestCase("--inline-steps shapes the workflows workload, which runs only with --workflows N", "--inline-steps", "5")]
    [TestCase("--continue-as-new runs alone, in this process", "--continue-as-new", "100", "--workflows", "10")]
    [TestCase("--continue-as-new must be >= 0 and --iterations-per-run >= 1 (got 100 and 0)", "--continue-as-new", "100", "--iterations-per-run", "0")]
    public async Task Bench_WithABadFlag_SaysWhatIsWrongBeforeTouchingTheDatabase(string message, params string[] args)
    {
        var (code, output) = await BenchAsync([.. args, "--database-url", NoServer]);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Does.Contain("error: " + message));
    }

    [Test]
    public async Task Bench_WithContinueAsNew_ReportsEachRunOfTheChain()
    {
        var (code, output) = await BenchAsync("--continue-as-new", "7", "--iterations-per-run", "3", "--json", "--database-url", ConnectionString);

        Assert.That(code, Is.Zero, output);
        using var json = JsonDocument.Parse(output);
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToArray();
        Assert.That(runs.Select(r => r.GetProperty("historyRows").GetInt64()), Is.EqualTo(new long[] { 4, 4, 2 }), "a start row and one timer per iteration, 3 + 3 + 1");
        Assert.That(runs.Select(r => r.GetProperty("activations").GetInt32()), Is.EqualTo(new[] { 4, 4, 2 }), "one activation per timer, plus the start");
        Assert.That(runs.Select(r => r.GetProperty("msPerActivation").GetDouble()), Is.All.Positive);
        // Runs 1-3 and runs 1-3 again (a chain of 3): the same runs, so the same mean, weighted by activations.
        var first = json.RootElement.GetProperty("firstRunsMsPerActivation").GetDouble();
        Assert.That(first, Is.EqualTo(runs.Sum(r => r.GetProperty("runMs").GetDouble()) / 10).Within(0.02));
        Assert.That(json.RootElement.GetProperty("lastRunsMsPerActivation").GetDouble(), Is.EqualTo(first));
        Assert.That(json.RootElement.GetProperty("lastOverFirst").GetDouble(), Is.EqualTo(1.0).Within(0.001));
    }

    [TestCase("--activities-per-workflow", "activities", 3, 0)]
    [TestCase("--inline-steps", "inline", 0, 3)]
    public async Task Bench_WithWorkflows_RunsEachStepAsTheFlagSaysAndReportsTheMode(string flag, string mode, int activitiesPerWorkflow, int inlineStepsPerWorkflow)
    {
        var (code, output) = await BenchAsync("--workflows", "20", flag, "3", "--concurrency", "4", "--json", "--database-url", ConnectionString);

        Assert.That(code, Is.Zero, output);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.That(root.GetProperty("workflowSteps").GetString(), Is.EqualTo(mode));
        Assert.That(root.GetProperty("stepsPerWorkflow").GetInt32(), Is.EqualTo(3));
        Assert.That(root.GetProperty("workflowCallers").GetInt32(), Is.EqualTo(4));
        Assert.That(root.GetProperty("workflowsComplete").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("workflowsCompletedInDb").GetInt64(), Is.EqualTo(20));
        Assert.That(root.GetProperty("workflowsPerSecond").GetDouble(), Is.Positive);
        Assert.That(root.GetProperty("singleWorkflowLatencyMs").GetProperty("p50").GetDouble(), Is.Positive);
        Assert.That(root.TryGetProperty("jobs", out _), Is.False, "--workflows alone runs only the workflows workload");

        // 1 warm-up + 20 timed + 50 alone, each of 3 steps: activities are executions of their own, inline steps are not.
        var queue = root.GetProperty("workflowQueue").GetString()!;
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q AND kind = 'workflow' AND state = 'completed'", ("q", queue)), Is.EqualTo(71));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q AND kind = 'activity'", ("q", queue)), Is.EqualTo(71 * activitiesPerWorkflow));
        Assert.That(
            await ScalarAsync<long>("SELECT count(*) FROM currant.history h JOIN currant.executions e ON e.id = h.workflow_id WHERE e.queue = @q AND h.kind = 'step'", ("q", queue)),
            Is.EqualTo(71 * inlineStepsPerWorkflow));
    }

    [Test]
    public async Task Bench_OnQueuesThatHoldExecutions_RefusesToRun()
    {
        var queue = NewQueue();
        await Jobs.Greet.Options(queue: queue, client: Client).Queue("someone else's");

        var (code, output) = await BenchAsync("--queues", queue, "--jobs", "10", "--database-url", ConnectionString);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Does.Contain($"queue '{queue}' already holds 1 execution(s)"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = @q AND state = 'pending'", ("q", queue)), Is.EqualTo(1));
    }

    [Test]
    public async Task Bench_WithWorkerProcesses_ProcessesEveryJobAndLeavesNoWorkerBehind()
    {
        var queues = new[] { NewQueue("bench-a"), NewQueue("bench-b") };

        var (code, output) = await BenchAsync(
            "--jobs", "300", "--workers", "2", "--queues", string.Join(",", queues), "--payload-size", "100", "--compute", "--json",
            "--database-url", ConnectionString);

        Assert.That(code, Is.Zero, output);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.That(root.GetProperty("workers").GetInt32(), Is.EqualTo(2));
        Assert.That(root.GetProperty("jobs").GetInt32(), Is.EqualTo(300));
        Assert.That(root.GetProperty("queues").EnumerateArray().Select(q => q.GetString()), Is.EqualTo(queues));
        Assert.That(root.GetProperty("payloadSize").GetInt32(), Is.EqualTo(100));
        Assert.That(root.GetProperty("compute").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("jobsPerSecond").GetDouble(), Is.Positive);
        Assert.That(root.GetProperty("latencyMs").GetProperty("p50").GetDouble(), Is.Positive);
        Assert.That(root.GetProperty("workerPeakWorkingSetMb").GetDouble(), Is.Positive);

        // The bench cleans up its queues, and its workers (whose command lines name the queues) are gone.
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM currant.executions WHERE queue = ANY(@q)", ("q", queues)), Is.Zero);
        Assert.That(ProcessesNaming(queues[0]), Is.Empty);
    }

    [Test]
    public async Task Bench_WithTimers_ReportsHowLateDelayedJobsStartAndHowLongSleepingWorkflowsTake()
    {
        var (code, output) = await BenchAsync("--timers", "5", "--json", "--database-url", ConnectionString);

        Assert.That(code, Is.Zero, output);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.That(root.TryGetProperty("jobs", out _), Is.False, "--timers alone runs only the timers workload");
        Assert.That(root.GetProperty("timers").GetInt32(), Is.EqualTo(5));
        var late = root.GetProperty("timerStartAfterDueMs");
        Assert.That(late.GetProperty("min").GetDouble(), Is.GreaterThanOrEqualTo(0), "no delayed job started before it was due");
        Assert.That(late.GetProperty("p99").GetDouble(), Is.GreaterThanOrEqualTo(late.GetProperty("p50").GetDouble()));
        Assert.That(root.GetProperty("sleepWorkflows").GetInt32(), Is.EqualTo(10));
        Assert.That(root.GetProperty("sleepWorkflowMs").GetProperty("p50").GetDouble(), Is.GreaterThanOrEqualTo(1000), "a 1 s sleep takes at least 1 s");
    }

    private static List<int> ProcessesNaming(string text)
    {
        var found = new List<int>();
        if (!OperatingSystem.IsLinux())
        {
            return found; // Process command lines are read from /proc.
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(text, StringComparison.Ordinal))
                    {
                        found.Add(pid);
                    }
                }
                catch (IOException)
                {
                    // The process ended while we looked.
                }
            }
        }

        return found;
    }
}
