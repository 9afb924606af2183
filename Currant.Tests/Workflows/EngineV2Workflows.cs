using Currant.Tests.Jobs;

namespace Currant.Tests.Workflows;

/// <summary>
/// The build a worker process plays in the replay-safe deploy test: "A" (the code already deployed) or "B" (the
/// next build, which adds, removes and moves reads of Workflow.UtcNow, NewGuid and Random). Read once, outside any
/// workflow, from CURRANT_TEST_DEPLOY_BUILD.
/// </summary>
public static class DeployBuild
{
#pragma warning disable CUR1007 // Stands in for the deployed build: a per-process fact is exactly what this test needs.
    public static readonly bool IsB = Environment.GetEnvironmentVariable("CURRANT_TEST_DEPLOY_BUILD") == "B";
#pragma warning restore CUR1007
}

/// <summary>Logs (n, step, pid) to deploy_log through the process's default client: the test counts each run.</summary>
[Activity(Retries = 5, Timeout = 60)]
public partial class DeployStep
{
    public async Task<string> ExecuteAsync(int n, string step, CancellationToken ct)
    {
        var client = CurrantClient.Default ?? throw new InvalidOperationException("DeployStep runs only where a default client exists.");
        await using var command = client.DataSource.CreateCommand("INSERT INTO deploy_log (n, step, pid) VALUES (@n, @step, @pid)");
        command.Parameters.AddWithValue("n", n);
        command.Parameters.AddWithValue("step", step);
        command.Parameters.AddWithValue("pid", Environment.ProcessId);
        await command.ExecuteNonQueryAsync(ct);
        return step;
    }
}

/// <summary>
/// Two activities around a signal wait. Build B reads the workflow clock, ids and random numbers in places build A
/// did not (and no longer where A did), before the first activity and between the pending steps: none of that may
/// shift the history of a workflow A started.
/// </summary>
[Workflow(Queue = "deploy")]
public partial class DeployFlow
{
    public async Task<string> RunAsync(int n)
    {
        var notes = new List<string>();
        if (DeployBuild.IsB)
        {
            notes.Add($"t0={Workflow.UtcNow:O}");
            notes.Add($"g0={Workflow.NewGuid()}");
        }
        else
        {
            notes.Add($"r0={Workflow.Random.Next(100)}");
        }

        var first = await DeployStep.Run(n, "first");
        if (!DeployBuild.IsB)
        {
            notes.Add($"t1={Workflow.UtcNow:O}");
        }

        var go = await Workflow.WaitForSignal<string>("go");
        if (DeployBuild.IsB)
        {
            notes.Add($"g1={Workflow.NewGuid()}");
            notes.Add($"t2={Workflow.UtcNow:O}");
            notes.Add($"r1={Workflow.Random.Next(100)}");
        }

        var second = await DeployStep.Run(n, "second");
        return $"{first}+{go}+{second}";
    }
}

/// <summary>Logs each start of a step body to step_log through the process's default client (crash tests).</summary>
public static class StepLog
{
    public static async Task StartedAsync(int n, int step, CancellationToken ct)
    {
        var client = CurrantClient.Default ?? throw new InvalidOperationException("StepLog runs only where a default client exists.");
        await using var command = client.DataSource.CreateCommand("INSERT INTO step_log (n, step, pid) VALUES (@n, @step, @pid)");
        command.Parameters.AddWithValue("n", n);
        command.Parameters.AddWithValue("step", step);
        command.Parameters.AddWithValue("pid", Environment.ProcessId);
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Inline steps, each logged to step_log when its body starts, then taking <c>millis</c>.</summary>
[Workflow(Queue = "steps")]
public partial class LoggedSteps
{
    public async Task<int> RunAsync(int n, int steps, int millis)
    {
        var total = 0;
        for (var i = 0; i < steps; i++)
        {
            var step = i;
            total += await Workflow.Step($"s{step}", async ct =>
            {
                await StepLog.StartedAsync(n, step, ct);
                await Task.Delay(millis, ct);
                return step;
            });
        }

        return total;
    }
}

/// <summary>Inline steps recorded in the in-memory <see cref="Probe"/> under <c>key/n/step</c>.</summary>
[Workflow(Queue = "steps")]
public partial class ProbedSteps
{
    public async Task<int> RunAsync(string key, int n, int steps)
    {
        var total = 0;
        for (var i = 0; i < steps; i++)
        {
            var step = i;
            total += await Workflow.Step($"s{step}", async ct =>
            {
                Probe.Record($"{key}/{n}/{step}");
                await Task.Yield();
                return step + 1;
            });
        }

        return total;
    }
}

/// <summary>Calls Workflow.UtcNow inside a step body: must fail with an error naming the step.</summary>
[Workflow(Queue = "steps")]
public partial class ClockInsideStep
{
#pragma warning disable CUR3007 // the mistake this workflow exists to make
    public Task<DateTime> RunAsync() => Workflow.Step("read-clock", _ => Task.FromResult(Workflow.UtcNow));
#pragma warning restore CUR3007
}

/// <summary>Reads the workflow clock around a sleep and a step: the values replay must reproduce.</summary>
[Workflow(Queue = "steps")]
public partial class ClockReads
{
    public async Task<DateTime[]> RunAsync(int sleepMillis)
    {
        var start = Workflow.UtcNow;
        var again = Workflow.UtcNow;
        await Workflow.Sleep(TimeSpan.FromMilliseconds(sleepMillis));
        var afterSleep = Workflow.UtcNow;
        await Workflow.Step("pause", async ct => await Task.Delay(50, ct));
        var afterStep = Workflow.UtcNow;
        return [start, again, afterSleep, afterStep];
    }
}
