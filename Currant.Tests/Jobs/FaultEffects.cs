namespace Currant.Tests.Jobs;

/// <summary>
/// The side effects of the fault-test jobs, written from inside worker processes to the <c>fault_effects</c> table
/// the fault fixtures create: one row per (n, process, phase), so a test sees which bodies ran, where and how often.
/// </summary>
public static class FaultEffects
{
    /// <summary>Records a phase of job <paramref name="n"/>; returns how many rows of that phase it already had.</summary>
    public static async Task<long> RecordAsync(int n, string phase, CancellationToken ct)
    {
        var client = CurrantClient.Default ?? throw new InvalidOperationException("The fault jobs run only where a default client exists.");
        // The CTE's insert is not visible to the count of the same statement: the count is of earlier rows.
        await using var command = client.DataSource.CreateCommand("""
            WITH recorded AS (INSERT INTO fault_effects (n, pid, phase) VALUES (@n, @pid, @phase))
            SELECT count(*) FROM fault_effects WHERE n = @n AND phase = @phase
            """);
        command.Parameters.AddWithValue("n", n);
        command.Parameters.AddWithValue("pid", Environment.ProcessId);
        command.Parameters.AddWithValue("phase", phase);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
