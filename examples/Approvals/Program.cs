using Approvals;
using Currant;
using Currant.Development;

// Use CURRANT_DATABASE_URL when set; otherwise start a throwaway PostgreSQL from the local binaries.
var url = Environment.GetEnvironmentVariable("CURRANT_DATABASE_URL");
await using var local = string.IsNullOrWhiteSpace(url) ? await LocalPostgres.StartAsync() : null;
await using var client = await CurrantClient.ConnectAsync(local?.ConnectionString ?? url);
await client.MigrateAsync();
await using var worker = await client.StartWorkerAsync(new WorkerOptions { Queues = ["approvals"] });

// Signal-with-start: Queue with an idempotency key (the business id) is safe to repeat, and a signal sent before the
// workflow first runs is stored and handed to its [Signal] method once it does.
var key = $"doc-{Guid.NewGuid():N}";
var h = await Approval.Options(idempotencyKey: key).Queue("doc-42", 3);
var same = await Approval.Options(idempotencyKey: key).Queue("doc-42", 3);
await same.Signals.Approve("ana");
Console.WriteLine($"1. queued {h.Id}; queued again with the same key: same workflow = {same.Id == h.Id}");

// An update: validated, recorded, and its result comes back to the caller.
var count = await h.Updates.AddApprover("bo");
Console.WriteLine($"2. update AddApprover(bo) returned {count}");

// A rejected update leaves no trace; the caller gets the validator's message.
try
{
    await h.Updates.AddApprover("bo");
}
catch (UpdateRejectedException rejected)
{
    Console.WriteLine($"3. rejected: {rejected.Error.Message}");
}

// A query: answered by the worker from the running workflow, never recorded.
Console.WriteLine($"4. status: {await h.Queries.Status()}");

// Re-attach by id, and let another workflow send the last approval.
var again = Approval.GetHandle(h.Id);
await Delegation.Queue(again.Id, "cy", 1);
Console.WriteLine($"5. result: {await again.GetResultAsync(TimeSpan.FromSeconds(30))}");

foreach (var step in await client.GetHistoryAsync(h.Id))
{
    Console.WriteLine($"     {step.Seq,3} {step.Kind,-15} {step.Name,-12} {step.State}");
}

Console.WriteLine("Approvals finished.");
