using Currant;

namespace BadWorkflow;

[Workflow(Queue = "orders")]
public partial class ProcessOrder
{
    private static int s_started;

    public async Task<string> RunAsync(string orderId, int amount)
    {
        var startedAt = DateTime.UtcNow; // expect CUR1001
        var receiptId = Guid.NewGuid(); // expect CUR1002
        await Task.Delay(TimeSpan.FromSeconds(5)); // expect CUR1003
        var length = await Task.Run(() => orderId.Length); // expect CUR1004
        await Task.CompletedTask.ConfigureAwait(false); // expect CUR1005
        var total = Task.FromResult(amount).Result; // expect CUR1006
        var region = Environment.GetEnvironmentVariable("REGION"); // expect CUR1007
        s_started++; // expect CUR1008
        var stamp = Clock.Stamp();
        var charged = await ChargeCard.Run(amount); // generated stubs are fine here: Run and Queue are recorded
        await Report.Queue();
        if (Workflow.GetVersion(orderId, 2, 1) > 1) // expect CUR3003 CUR3004
        {
            await CurrantClient.Resolve(null).EnqueueAsync(null!, [], null); // expect CUR3002
        }

        var confirmed = await Workflow.Step("confirm", _ => Task.FromResult(DateTime.UtcNow.Ticks)); // a step body may read the clock
        var receipt = await Workflow.Step("receipt", _ => Task.FromResult(Workflow.NewGuid())); // expect CUR3007
        return $"{orderId} {startedAt} {receiptId} {length} {total} {region} {stamp} {charged} {confirmed} {receipt}";
    }
}
