namespace Currant.Tests.Jobs;

/// <summary>
/// Used by the concurrency-limit tests, in-process or in worker processes: records when its body starts and ends (the
/// database's clock, so every process shares one) in <c>overlap_log</c>, so a test can count what ran at once.
/// </summary>
[Job(Queue = "overlap")]
public partial class OverlapJob
{
    public async Task ExecuteAsync(string key, int millis, CancellationToken ct)
    {
        var client = CurrantClient.Default ?? throw new InvalidOperationException("OverlapJob runs only where a default client exists.");
        await using var start = client.DataSource.CreateCommand("INSERT INTO overlap_log (key, pid, started_at) VALUES (@key, @pid, clock_timestamp()) RETURNING id");
        start.Parameters.AddWithValue("key", key);
        start.Parameters.AddWithValue("pid", Environment.ProcessId);
        var id = (long)(await start.ExecuteScalarAsync(ct))!;
        await Task.Delay(millis, ct);
        await using var end = client.DataSource.CreateCommand("UPDATE overlap_log SET ended_at = clock_timestamp() WHERE id = @id");
        end.Parameters.AddWithValue("id", id);
        await end.ExecuteNonQueryAsync(ct);
    }
}
