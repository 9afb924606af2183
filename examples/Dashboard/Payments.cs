using Currant;

namespace DashboardDemo;

/// <summary>A job with a card number: [Sensitive] keeps it off the dashboard, the CLI and the logs, not out of the job.</summary>
[Job(Queue = "payments", Retries = 2)]
public partial class ChargeCard
{
    public Task<string> ExecuteAsync(string customer, [Sensitive] string cardNumber, int cents, CancellationToken ct)
        => cents < 0
            ? throw new NonRetryableException($"A charge of {cents} cents is not a charge.")
            : Task.FromResult($"charged {customer} {cents} cents on card ending {cardNumber[^4..]}");
}

/// <summary>A workflow that waits for a person: send it the "decision" signal from the dashboard.</summary>
[Workflow(Queue = "approvals")]
public partial class RefundApproval
{
    public async Task<string> RunAsync(string customer, int cents)
    {
        var history = await Workflow.Step("check-history", _ => Task.FromResult($"{customer}: no earlier refund"));
        var decision = await Workflow.WaitForSignal<string>("decision", TimeSpan.FromDays(3));
        return decision == "approve" ? $"refunded {cents} cents to {customer} ({history})" : $"refund to {customer} declined";
    }
}

/// <summary>
/// A scheduled job: the worker creates its schedule at start. The dashboard's Schedules page shows it (next and last
/// fire) and can trigger it now or pause it.
/// </summary>
[Job(Queue = "reports"), Schedule("0 6 * * *", TimeZone = "Europe/Berlin")]
public partial class DailyReport
{
    public Task<string> ExecuteAsync(CancellationToken ct) => Task.FromResult($"report for {DateTime.UtcNow:yyyy-MM-dd}");
}
