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

/// <summary>
/// A running total that updates add to. A "Rollover" signal continues it as new with the total (callers keep using
/// the first id: signals, updates and queries reach the last run); "Close" returns the total.
/// </summary>
[Workflow(Queue = "sync")]
public partial class Ledger
{
    private int _total;
    private bool _rollover;
    private bool _close;

    public async Task<int> RunAsync(int opening)
    {
        // Added, not assigned: an update carried over from the previous run may already have run.
        _total += opening;
        await Workflow.WaitUntil(() => _rollover || _close);
        if (!_close)
        {
            throw ContinueAsNew(_total);
        }

        return _total;
    }

    [Update]
    public int Add(int amount)
    {
        _total += amount;
        return _total;
    }

    [Signal]
    public void Rollover() => _rollover = true;

    [Signal]
    public void Close() => _close = true;

    [Query]
    public int Total() => _total;
}
