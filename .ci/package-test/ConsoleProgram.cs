using Currant;
using PackageTest;

// A console app that references only the Currant package: the generator writes Queue()/Run(), the worker runs here.
var url = Environment.GetEnvironmentVariable("CURRANT_DATABASE_URL") ?? throw new InvalidOperationException("set CURRANT_DATABASE_URL");
await using var client = await CurrantClient.ConnectAsync(url);
await client.MigrateAsync();
await using var worker = await client.StartWorkerAsync(new WorkerOptions { Queues = ["app"] });

var job = await Greet.Queue("console");
Console.WriteLine($"job: {await job.GetResultAsync(TimeSpan.FromSeconds(60))}");
var workflow = await Onboard.Queue("console");
Console.WriteLine($"workflow: {await workflow.GetResultAsync(TimeSpan.FromSeconds(60))}");
