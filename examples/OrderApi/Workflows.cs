using Currant;
using Npgsql;

namespace OrderApi;

public sealed record Charge(string TransactionId);

public sealed record OrderResult(Guid OrderId, string TransactionId);

public interface IPaymentGateway
{
    Task<Charge> ChargeAsync(Guid orderId, decimal amount, string cardToken, CancellationToken ct);
}

/// <summary>A stand-in for a real payment provider. Registered as scoped: each execution gets its own.</summary>
public sealed class FakePaymentGateway(ILogger<FakePaymentGateway> logger) : IPaymentGateway
{
    public Task<Charge> ChargeAsync(Guid orderId, decimal amount, string cardToken, CancellationToken ct)
    {
        logger.LogInformation("Charged {Amount} to {CardToken} for order {OrderId}", amount, cardToken, orderId);
        return Task.FromResult(new Charge($"ch_{orderId.ToString("N")[..12]}"));
    }
}

/// <summary>
/// Processes a placed order, durably: charge the card, mark the order paid, send the receipt. Each step is an
/// activity, retried on its own and recorded in the workflow's history, so a crash between steps resumes after the
/// last finished one instead of charging twice. The workflow code itself only orchestrates: no I/O, no clock.
/// </summary>
[Workflow(Queue = "orders")]
public partial class ProcessOrder
{
    public async Task<OrderResult> RunAsync(Guid orderId, decimal amount, string email, string cardToken)
    {
        var charge = await ChargeCard.Run(orderId, amount, cardToken);
        await MarkPaid.Run(orderId, charge.TransactionId);
        await SendReceipt.Run(email, orderId, amount);
        return new OrderResult(orderId, charge.TransactionId);
    }
}

/// <summary>Charges the card through the payment gateway. Runs on the workflow's queue (<c>orders</c>).</summary>
[Activity(Retries = 3, Timeout = 60)]
public partial class ChargeCard(IPaymentGateway payments)
{
    public Task<Charge> ExecuteAsync(Guid orderId, decimal amount, string cardToken, CancellationToken ct)
        => payments.ChargeAsync(orderId, amount, cardToken, ct);
}

/// <summary>Records the payment on the order row in the app's own table.</summary>
[Activity(Retries = 3)]
public partial class MarkPaid(NpgsqlDataSource db, ILogger<MarkPaid> logger)
{
    public async Task ExecuteAsync(Guid orderId, string transactionId, CancellationToken ct)
    {
        await using var update = db.CreateCommand(Orders.MarkPaid);
        update.Parameters.Add(new() { Value = orderId });
        update.Parameters.Add(new() { Value = transactionId });
        await update.ExecuteNonQueryAsync(ct);
        logger.LogInformation("Order {OrderId} paid ({TransactionId})", orderId, transactionId);
    }
}

/// <summary>Sends the receipt. On the <c>emails</c> queue, which the app's worker serves alongside <c>orders</c>.</summary>
[Activity(Queue = "emails", Retries = 5)]
public partial class SendReceipt(ILogger<SendReceipt> logger)
{
    public Task ExecuteAsync(string email, Guid orderId, decimal amount, CancellationToken ct)
    {
        logger.LogInformation("Receipt for order {OrderId} ({Amount}) sent to {Email}", orderId, amount, email);
        return Task.CompletedTask;
    }
}
