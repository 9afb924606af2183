using Currant;
using Currant.Development;
using Schedules;

// Use CURRANT_DATABASE_URL when set; otherwise start a throwaway PostgreSQL from the local binaries.
var url = Environment.GetEnvironmentVariable("CURRANT_DATABASE_URL");
await using var local = string.IsNullOrWhiteSpace(url) ? await LocalPostgres.StartAsync() : null;
await using var client = await CurrantClient.ConnectAsync(local?.ConnectionString ?? url);
await client.MigrateAsync();

// Starting a worker of the "reports" queue creates the [Schedule] of NightlyReport.
await using var worker = await client.StartWorkerAsync(new WorkerOptions { Queues = ["reports"] });
var nightly = await client.Schedules.GetAsync("NightlyReport");
Console.WriteLine($"1. [Schedule] NightlyReport: '{nightly!.Spec.Cron}' in {nightly.Spec.TimeZone}, next run {nightly.NextRunAt:u}");

// A schedule with arguments, made at run time; six fields means seconds first: every two seconds.
await SendDigest.Schedule("digest-ana", "*/2 * * * * *", "ana@example.com");
while (SendDigest.Sent < 2)
{
    await Task.Delay(100);
}

Console.WriteLine($"2. digest-ana fired {SendDigest.Sent} times");

// Operators pause, trigger, resume and delete (also: currant schedules pause|trigger|resume|delete <name>).
await client.Schedules.PauseAsync("digest-ana");
var run = await client.Schedules.TriggerAsync("digest-ana");
await client.WaitForCompletionAsync(run, TimeSpan.FromSeconds(30));
Console.WriteLine($"3. paused, then triggered once by hand: run {run} completed");

// Policies: skip a fire time while the previous run still runs (the default), or buffer one, or allow overlap;
// after downtime, enqueue only the latest missed fire time (the default) or all of them within a window.
await SendDigest.Schedule("digest-bo", new ScheduleSpec("0 8 * * MON-FRI")
{
    TimeZone = "America/New_York",
    Overlap = ScheduleOverlap.BufferOne,
    CatchUp = ScheduleCatchUp.All,
    CatchUpWindow = TimeSpan.FromHours(6),
}, "bo@example.com");

foreach (var schedule in await client.Schedules.ListAsync())
{
    Console.WriteLine($"   {schedule.Name,-14} {schedule.Target,-13} {schedule.Spec.Cron,-16} {schedule.Spec.TimeZone,-17} {(schedule.Paused ? "paused" : "active")}");
}

await client.Schedules.DeleteAsync("digest-ana");
await client.Schedules.DeleteAsync("digest-bo");
Console.WriteLine($"4. deleted; {(await client.Schedules.ListAsync()).Count} schedule left (NightlyReport, kept by its attribute)");
Console.WriteLine("Schedules example finished.");
