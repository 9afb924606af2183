using Currant;
using Currant.Development;
using Microsoft.Extensions.DependencyInjection;
using QuickStart;

// Use CURRANT_DATABASE_URL when set; otherwise start a throwaway PostgreSQL from the local binaries.
var url = Environment.GetEnvironmentVariable("CURRANT_DATABASE_URL");
await using var local = string.IsNullOrWhiteSpace(url) ? await LocalPostgres.StartAsync() : null;
if (local is not null)
{
    Console.WriteLine($"Started a throwaway PostgreSQL on port {local.Port}.");
}

await using var client = await CurrantClient.ConnectAsync(local?.ConnectionString ?? url);
await client.MigrateAsync();

var services = new ServiceCollection().AddSingleton<IEmailSender, ConsoleEmailSender>().BuildServiceProvider();
await using var worker = await client.StartWorkerAsync(new WorkerOptions { Queues = ["emails", "orders"], MaxConcurrency = 8, RetryBaseDelay = TimeSpan.FromMilliseconds(200) }, services);

// 1. Queue a job and wait for its typed result.
var welcome = await SendEmail.Queue("ada@example.com", "Welcome", "Thanks for signing up!");
var receipt = await welcome.GetResultAsync(TimeSpan.FromSeconds(30));
Console.WriteLine($"1. job {welcome.Id} sent {receipt.MessageId} to {receipt.To}");

// 2. Retries: the first attempt throws, the second succeeds.
var resize = await ResizeImage.Queue("photos/cat.jpg", 640);
Console.WriteLine($"2. resized to {await resize.GetResultAsync(TimeSpan.FromSeconds(30))} after {(await resize.GetStatusAsync()).Attempt} attempts");

// 3. Enqueue atomically with your own writes: rolled back means no job.
await using (var connection = await client.DataSource.OpenConnectionAsync())
await using (var tx = await connection.BeginTransactionAsync())
{
    var ghost = await SendEmail.Options(transaction: tx).Queue("nobody@example.com", "never sent", "");
    await tx.RollbackAsync();
    Console.WriteLine($"3. rolled back: job exists = {await client.GetExecutionAsync(ghost.Id) is not null}");
}

// 4. Idempotency keys make enqueue exactly-once.
var first = await SendEmail.Options(idempotencyKey: "invoice-42").Queue("grace@example.com", "Invoice 42", "...");
var again = await SendEmail.Options(idempotencyKey: "invoice-42").Queue("grace@example.com", "Invoice 42", "...");
Console.WriteLine($"4. same key, same execution: {first.Id == again.Id}");
await again.GetResultAsync(TimeSpan.FromSeconds(30));

// 5. Bulk enqueue with binary COPY.
var batch = await SendEmail.QueueMany(Enumerable.Range(1, 5).Select(i => ($"user{i}@example.com", "Newsletter", "Hello")));
foreach (var handle in batch)
{
    await handle.GetResultAsync(TimeSpan.FromSeconds(30));
}

Console.WriteLine($"5. bulk-queued and ran {batch.Count} jobs");

// 6. A durable workflow: charge → SMS (behind GetVersion) → receipt, each step recorded.
var order = await ProcessOrder.Options(idempotencyKey: $"order-{Guid.NewGuid():N}").Queue("order-123", 5000, "c@example.com", "tok_visa");
var placed = await order.GetResultAsync(TimeSpan.FromSeconds(30));
Console.WriteLine($"6. order {placed.OrderId} charged as {placed.TransactionId}; history:");
foreach (var step in await client.GetHistoryAsync(order.Id))
{
    Console.WriteLine($"     {step.Seq,3} {step.Kind,-8} {step.Name,-12} {step.State}");
}

// 7. A workflow that waits for a signal; the signal may even arrive before the workflow waits.
var expense = await ApproveExpense.Queue("ada", 420, 24);
await expense.SignalAsync("decision", new Decision(true, "grace"));
Console.WriteLine($"7. expense: {await expense.GetResultAsync(TimeSpan.FromSeconds(30))}");

// 8. ...and one whose deadline passes (a durable timer: no worker is held while it waits).
var ignored = await ApproveExpense.Queue("alan", 99, 0.0003);
Console.WriteLine($"8. expense: {await ignored.GetResultAsync(TimeSpan.FromSeconds(30))}");
Console.WriteLine("QuickStart finished.");
