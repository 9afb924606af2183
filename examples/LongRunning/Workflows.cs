using Currant;

namespace LongRunning;

/// <summary>A nightly sync for one account: one recorded step per page of records.</summary>
[Activity(Retries = 3)]
public partial class SyncPage
{
    public Task<int> ExecuteAsync(string account, int page, CancellationToken ct) => Task.FromResult(page + 1);
}

/// <summary>
/// A loop that would run for months: it continues as new every <c>pagesPerRun</c> pages, so its history (and what
/// each activation loads) stays small. The caller's handle, the idempotency key and the tags follow the chain.
/// </summary>
[Workflow(Queue = "sync")]
public partial class AccountSync
{
    public async Task<int> RunAsync(string account, int pages, int pagesPerRun, int synced)
    {
        Workflow.SetTag("progress", $"{synced}/{pages}");
        for (var i = 0; i < pagesPerRun && synced < pages; i++)
        {
            synced = await SyncPage.Run(account, synced);
        }

        if (synced < pages)
        {
            throw ContinueAsNew(account, pages, pagesPerRun, synced);
        }

        Workflow.SetTag("progress", "done");
        return synced;
    }
}

[Activity(Retries = 3)]
public partial class ReserveSeat
{
    public Task<string> ExecuteAsync(string booking, CancellationToken ct) => Task.FromResult($"seat-for-{booking}");
}

[Activity(Retries = 3)]
public partial class ReleaseSeat
{
    public Task ExecuteAsync(string seat, CancellationToken ct)
    {
        Console.WriteLine($"  [seats] released {seat}");
        return Task.CompletedTask;
    }
}

/// <summary>
/// Holds a seat until the customer pays. Cancelling the booking fires Workflow.CancellationToken: the wait throws
/// OperationCanceledException, the workflow releases the seat (an activity, recorded like any other), then ends cancelled.
/// </summary>
[Workflow(Queue = "sync")]
public partial class HoldSeat
{
    public async Task<string> RunAsync(string booking)
    {
        var cancelled = Workflow.CancellationToken; // read first: a cancel now reaches this code instead of ending it
        var seat = await ReserveSeat.Run(booking);
        try
        {
            await Workflow.WaitForSignal<string>("paid", TimeSpan.FromDays(1));
            return $"{seat} paid";
        }
        catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
        {
            await ReleaseSeat.Run(seat);
            throw;
        }
    }
}
