using Currant;

namespace RetriesAndHeartbeats;

/// <summary>
/// Polls until the carrier has shipped: retried every second, not with a growing backoff ("poll every 60 s" in
/// production is RetryDelay = 60, RetryBackoff = 1).
/// </summary>
[Job(Queue = "shipping", Retries = 20, RetryDelay = 1, RetryBackoff = 1)]
public partial class CheckShipment
{
    public static readonly List<DateTimeOffset> Attempts = [];

    public Task<string> ExecuteAsync(string orderId, CancellationToken ct)
    {
        lock (Attempts)
        {
            Attempts.Add(DateTimeOffset.UtcNow);
        }

        // The carrier's API says "not yet" twice.
        if (Execution.Attempt < 3)
        {
            throw new InvalidOperationException($"{orderId} not shipped yet");
        }

        return Task.FromResult($"{orderId} shipped");
    }
}

/// <summary>Calls a partner API whose credentials were revoked: no retry can help, so the caller's policy names the error.</summary>
[Job(Queue = "shipping")]
public partial class SyncCatalog
{
    public Task ExecuteAsync(string partner, CancellationToken ct)
        => throw new UnauthorizedAccessException($"{partner} revoked our API key");
}

/// <summary>
/// Imports rows and heartbeats the last row done. The first attempt hangs after row 4 (a stuck network call): no
/// heartbeat for a second, so it is timed out and retried, and the retry resumes after row 4.
/// </summary>
[Job(Queue = "imports", Retries = 3, RetryDelay = 0, HeartbeatTimeout = 1)]
public partial class ImportRows
{
    public async Task<string> ExecuteAsync(string file, int rows, CancellationToken ct)
    {
        var done = Execution.GetHeartbeatDetails<int>();
        var start = done + 1;
        for (var row = start; row <= rows; row++)
        {
            if (Execution.Attempt == 1 && row == 5)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            await Task.Delay(20, ct); // import the row
            Execution.Heartbeat(row);
        }

        return $"{file}: attempt {Execution.Attempt} imported rows {start}-{rows}";
    }
}
