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
