using Currant;
using Currant.Development;
using RetriesAndHeartbeats;

// Use CURRANT_DATABASE_URL when set; otherwise start a throwaway PostgreSQL from the local binaries.
var url = Environment.GetEnvironmentVariable("CURRANT_DATABASE_URL");
await using var local = string.IsNullOrWhiteSpace(url) ? await LocalPostgres.StartAsync() : null;
await using var client = await CurrantClient.ConnectAsync(local?.ConnectionString ?? url);
await client.MigrateAsync();
await using var worker = await client.StartWorkerAsync(new WorkerOptions { Queues = ["shipping", "imports"], MaxConcurrency = 4 });
var wait = TimeSpan.FromSeconds(60);

// 1. A retry policy on the attribute: poll every second until the carrier has shipped.
var shipment = await CheckShipment.Queue("order-7");
Console.WriteLine($"1. {await shipment.GetResultAsync(wait)} on attempt {(await shipment.GetStatusAsync()).Attempt}");
var starts = CheckShipment.Attempts.ToArray();
Console.WriteLine("   attempts started " + string.Join(", ", starts.Skip(1).Zip(starts, (b, a) => $"{(b - a).TotalSeconds:0.0} s")) + " apart");

// 2. A retry policy per call: back off 0.2 s, 0.4 s, ... but never retry a revoked key.
var sync = await SyncCatalog.Options(retryPolicy: new RetryPolicy(
    retries: 5, initialDelay: TimeSpan.FromSeconds(0.2), backoffCoefficient: 2, maximumDelay: TimeSpan.FromSeconds(5),
    nonRetryableErrorTypes: ["System.UnauthorizedAccessException"])).Queue("acme");
try
{
    await sync.GetResultAsync(wait);
}
catch (ExecutionFailedException ex)
{
    Console.WriteLine($"2. catalog sync failed after {(await sync.GetStatusAsync()).Attempt} attempt: {ex.Error.Type} is non-retryable");
}

// 3. Heartbeats: the import hangs after row 4, misses its 1 s heartbeat timeout, and the retry resumes from row 5.
var import = await ImportRows.Queue("customers.csv", 10);
Console.WriteLine($"3. {await import.GetResultAsync(wait)}");
var status = await import.GetStatusAsync();
Console.WriteLine($"   first attempt: {status.Error?.Message}");
// Heartbeats are throttled (0.8 x the timeout): the row holds the last one written, not necessarily the last row.
Console.WriteLine($"   last heartbeat written: row {status.HeartbeatDetails} at {status.HeartbeatAt:HH:mm:ss.fff}");
Console.WriteLine("RetriesAndHeartbeats finished.");
