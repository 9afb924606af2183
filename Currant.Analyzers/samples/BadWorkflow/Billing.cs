using Currant;

namespace BadWorkflow;

[Activity(Retries = 2)]
public partial class ChargeCard
{
    public Task<int> ExecuteAsync(int amount, CancellationToken ct) => Task.FromResult(amount);
}

/// <summary>A job is not workflow code: the generated Run of an activity only works inside a workflow.</summary>
[Job(Queue = "billing")]
public partial class NightlyBilling
{
    public async Task<int> ExecuteAsync(CancellationToken ct) => await ChargeCard.Run(100); // expect CUR3001
}
