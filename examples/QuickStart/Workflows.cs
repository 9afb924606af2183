using Currant;

namespace QuickStart;

public sealed record Charge(string TransactionId, int Amount);

public sealed record OrderResult(string OrderId, string TransactionId);

/// <summary>A workflow step: runs on any worker, retried on failure, its result recorded in the workflow's history.</summary>
[Activity(Retries = 3, Timeout = 60)]
public partial class ChargeCard
{
    public Task<Charge> ExecuteAsync(int amount, string cardToken, CancellationToken ct)
    {
        Console.WriteLine($"  [payments] charging {amount} to {cardToken}");
        return Task.FromResult(new Charge($"txn-{Math.Abs(HashCode.Combine(amount, cardToken)) % 100000:D5}", amount));
    }
}

[Activity(Retries = 3)]
public partial class SendSms
{
    public Task ExecuteAsync(string to, string text, CancellationToken ct)
    {
        Console.WriteLine($"  [sms] to={to} \"{text}\"");
        return Task.CompletedTask;
    }
}

[Activity(Retries = 3)]
public partial class SendReceipt
{
    public Task ExecuteAsync(string email, int amount, CancellationToken ct)
    {
        Console.WriteLine($"  [email] receipt for {amount} to {email}");
        return Task.CompletedTask;
    }
}

/// <summary>
/// A durable workflow: reads like ordinary async code, survives any crash and resumes where it left off.
/// Each awaited Run(...) is a recorded step; replay returns recorded results instead of running steps again.
/// </summary>
[Workflow(Queue = "orders", Version = 1, Timeout = 3600)]
public partial class ProcessOrder
{
    public async Task<OrderResult> RunAsync(string orderId, int amount, string email, string cardToken)
    {
        var charge = await ChargeCard.Run(amount, cardToken);
        // Added after orders were already running: old histories skip it, new ones send the SMS.
        if (Workflow.GetVersion("send-sms", 1, 2) >= 2)
        {
            await SendSms.Run(email, "Order confirmed");
        }

        await SendReceipt.Run(email, amount);
        return new OrderResult(orderId, charge.TransactionId);
    }
}

/// <summary>Waits for a human decision, delivered as a signal, with a deadline.</summary>
[Workflow(Queue = "orders")]
public partial class ApproveExpense
{
    public async Task<string> RunAsync(string employee, int amount, double hoursToDecide)
    {
        Workflow.Logger.LogExpense(employee, amount);
        try
        {
            var decision = await Workflow.WaitForSignal<Decision>("decision", TimeSpan.FromHours(hoursToDecide));
            return decision.Approved ? $"approved by {decision.By}" : $"rejected by {decision.By}";
        }
        catch (TimeoutException)
        {
            return "no decision in time: rejected";
        }
    }
}

public sealed record Decision(bool Approved, string By);
