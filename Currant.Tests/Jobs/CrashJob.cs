namespace Currant.Tests.Jobs;

/// <summary>
/// Used by the crash tests inside a separate worker process: takes a little while, then logs (n, pid) through the
/// process's default client so the test can count how often each job body ran.
/// </summary>
[Job(Queue = "crash", Retries = 5)]
public partial class CrashJob
{
    public async Task ExecuteAsync(int n, int millis, CancellationToken ct)
    {
        await Task.Delay(millis, ct);
        var client = CurrantClient.Default ?? throw new InvalidOperationException("CrashJob runs only where a default client exists.");
        await using var command = client.DataSource.CreateCommand("INSERT INTO crash_log (n, pid) VALUES (@n, @pid)");
        command.Parameters.AddWithValue("n", n);
        command.Parameters.AddWithValue("pid", Environment.ProcessId);
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>A workflow step for the crash tests: takes a little while, then logs (workflow n, step) like CrashJob.</summary>
[Activity(Retries = 5, Timeout = 60)]
public partial class CrashStep
{
    public async Task ExecuteAsync(int n, int step, CancellationToken ct)
    {
        await Task.Delay(30 + (n + step) % 5 * 20, ct);
        var client = CurrantClient.Default ?? throw new InvalidOperationException("CrashStep runs only where a default client exists.");
        await using var command = client.DataSource.CreateCommand("INSERT INTO crash_steps (n, step, pid) VALUES (@n, @step, @pid)");
        command.Parameters.AddWithValue("n", n);
        command.Parameters.AddWithValue("step", step);
        command.Parameters.AddWithValue("pid", Environment.ProcessId);
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Five CrashSteps in a row.</summary>
[Workflow(Queue = "crash")]
public partial class CrashFlow
{
    public async Task<int> RunAsync(int n)
    {
        for (var step = 0; step < 5; step++)
        {
            await CrashStep.Run(n, step);
        }

        return n;
    }
}
