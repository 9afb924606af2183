using Currant;

namespace Schedules;

/// <summary>
/// A recurring job declared in code: every worker of the "reports" queue creates (or updates) the schedule when it
/// starts, and exactly one run is enqueued per fire time however many workers run. 03:00 Berlin time, DST included.
/// </summary>
[Job(Queue = "reports"), Schedule("0 3 * * *", TimeZone = "Europe/Berlin")]
public partial class NightlyReport
{
    public Task ExecuteAsync(CancellationToken ct)
    {
        Console.WriteLine("  [report] nightly report built");
        return Task.CompletedTask;
    }
}
