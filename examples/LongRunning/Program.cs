using Currant;
using Currant.Development;
using LongRunning;

// Use CURRANT_DATABASE_URL when set; otherwise start a throwaway PostgreSQL from the local binaries.
var url = Environment.GetEnvironmentVariable("CURRANT_DATABASE_URL");
await using var local = string.IsNullOrWhiteSpace(url) ? await LocalPostgres.StartAsync() : null;
await using var client = await CurrantClient.ConnectAsync(local?.ConnectionString ?? url);
await client.MigrateAsync();
await using var worker = await client.StartWorkerAsync(new WorkerOptions { Queues = ["sync"], MaxConcurrency = 4 });
var account = $"acme-{Guid.NewGuid():N}"[..13];

// 1. Continue-as-new: 10 pages, a fresh run (empty history) every 4; the first handle gets the last run's result.
var sync = await AccountSync.Options(idempotencyKey: $"sync-{account}", tags: new Dictionary<string, string> { ["account"] = account })
    .Queue(account, 10, 4, 0);
Console.WriteLine($"1. synced {await sync.GetResultAsync(TimeSpan.FromSeconds(30))} pages");
for (Guid? id = sync.Id; id is { } run;)
{
    var info = (await client.GetExecutionAsync(run))!;
    Console.WriteLine($"     run {info.Id}: {(await client.GetHistoryAsync(run)).Count} steps, {(info.ContinuedTo is null ? info.State.ToString().ToLowerInvariant() : "continued as new")}");
    id = info.ContinuedTo;
}

// 2. Tags: set at Queue and by Workflow.SetTag, found by ListAsync (and `currant list --tag account=…`).
var found = await client.ListAsync(new ExecutionFilter { Tags = new Dictionary<string, string> { ["account"] = account, ["progress"] = "done" } });
Console.WriteLine($"2. tagged account={account}, progress=done: {found.Count} run(s), the last is {found[0].Id == (await sync.GetStatusAsync()).Id}");

// 3. Workflow.CancellationToken: cancelling runs the workflow's clean-up before it ends cancelled.
var hold = await HoldSeat.Queue($"booking-{account}");
while ((await hold.GetStatusAsync()) is not { State: ExecutionState.Suspended, Activations: > 0 })
{
    await Task.Delay(50);
}

await hold.CancelAsync();
try
{
    await hold.GetResultAsync(TimeSpan.FromSeconds(30));
}
catch (ExecutionCancelledException)
{
    var steps = await client.GetHistoryAsync(hold.Id);
    Console.WriteLine($"3. booking cancelled after its clean-up: {string.Join(", ", steps.Select(s => $"{s.Kind} {s.Name}"))}");
}

// 4. The first id follows the chain: an update, a query and a signal sent to it after a rollover reach the last run.
//    QueueMany returns the same typed handles as Queue.
var ledgers = await Ledger.QueueMany([100, 200]);
var ledger = ledgers[0];
await ledger.Updates.Add(5);
await ledger.Signals.Rollover();
while ((await client.GetExecutionAsync(ledger.Id))!.ContinuedTo is null)
{
    await Task.Delay(50);
}

var afterRollover = await ledger.Updates.Add(2);
Console.WriteLine($"4. ledger after a rollover, through its first id: update -> {afterRollover}, query -> {await ledger.Queries.Total()}");
foreach (var each in ledgers)
{
    await each.Signals.Close();
}

Console.WriteLine($"   closed: {string.Join(", ", await Task.WhenAll(ledgers.Select(l => l.GetResultAsync(TimeSpan.FromSeconds(30)))))} (second ledger untouched)");

Console.WriteLine("LongRunning finished.");
